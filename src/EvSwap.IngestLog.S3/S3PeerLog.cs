using Amazon.S3;
using Amazon.S3.Model;

namespace EvSwap.IngestLog.S3;

internal sealed class S3PeerLog(IAmazonS3 s3, string bucket, string name, IReadOnlyList<string> segments, bool stoppedCleanly, string marker) : IPeerIngestLog
{
    public string Name => name;

    public IReadOnlyList<string> Segments => segments;

    public bool StoppedCleanly => stoppedCleanly;

    public Task<LogSegmentContents> ReadAsync(string segment, CancellationToken cancellationToken) => S3LogObjects.ReadAsync(s3, bucket, segment, cancellationToken);

    public Task RemoveAsync(string segment, CancellationToken cancellationToken) => s3.DeleteObjectAsync(bucket, segment, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (stoppedCleanly)
        {
            // Only once every segment was adopted does the log disappear; the marker goes last.
            var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = S3IngestLog.Root + name + "/" });
            if ((left.S3Objects ?? []).All(o => o.Key == marker))
            {
                await s3.DeleteObjectAsync(bucket, marker);
            }
        }
    }
}
