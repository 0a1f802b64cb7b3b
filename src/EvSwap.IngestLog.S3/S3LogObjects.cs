using Amazon.S3;

namespace EvSwap.IngestLog.S3;

internal static class S3LogObjects
{
    /// <summary>A log object's valid records; an object cut short cannot exist in S3, but the checksum still guards every record.</summary>
    public static async Task<LogSegmentContents> ReadAsync(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            using var response = await s3.GetObjectAsync(bucket, key, cancellationToken);
            using var memory = new MemoryStream();
            await response.ResponseStream.CopyToAsync(memory, cancellationToken);
            bytes = memory.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Retention removed it meanwhile: everything in it was archived.
            throw new FileNotFoundException($"Ingest log object {key} is gone.", key, ex);
        }

        return LogSegmentReader.Decode(key, bytes);
    }
}
