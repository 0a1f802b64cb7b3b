using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace EvSwap.Archive.S3;

/// <summary>
/// The archive in an S3 bucket. Objects are written whole with a deterministic key, so a retried write replaces
/// the same object; content type and encoding are set so tools and browsers read them as gzip NDJSON.
/// </summary>
public sealed class S3ArchiveStore : IArchiveStore, IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private long _puts;
    private long _gets;
    private long _lists;

    public S3ArchiveStore(IOptions<S3Options> options)
        : this(CreateClient(options.Value), options.Value.Bucket!)
    {
    }

    public S3ArchiveStore(IAmazonS3 s3, string bucket)
    {
        _s3 = s3;
        _bucket = bucket;
    }

    public string Bucket => _bucket;

    /// <summary>PUT requests made, for the benchmark's requests-per-message figure.</summary>
    public long Puts => Interlocked.Read(ref _puts);

    /// <summary>GET requests made, for the requests-per-activation and per-history-page figures.</summary>
    public long Gets => Interlocked.Read(ref _gets);

    /// <summary>LIST requests made (each returns up to 1,000 keys).</summary>
    public long Lists => Interlocked.Read(ref _lists);

    public static AmazonS3Client CreateClient(S3Options o)
    {
        var config = new AmazonS3Config
        {
            // Adaptive mode backs off client-side when S3 throttles (503 SlowDown) instead of hammering it.
            RetryMode = RequestRetryMode.Adaptive,
            MaxErrorRetry = 5,
        };
        if (!string.IsNullOrWhiteSpace(o.ServiceUrl))
        {
            config.ServiceURL = o.ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = o.Region ?? "us-east-1";
            return new AmazonS3Client(new BasicAWSCredentials(o.AccessKey ?? "S3RVER", o.SecretKey ?? "S3RVER"), config);
        }

        config.RegionEndpoint = RegionEndpoint.GetBySystemName(o.Region);
        config.ForcePathStyle = o.ForcePathStyle;
        return new AmazonS3Client(config);
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = stream,
            ContentType = "application/x-ndjson",
            // Plain (not aws-chunked) upload: s3rver stores chunk framing as object bytes otherwise, and for
            // objects of this size nothing is gained by chunking.
            UseChunkEncoding = false,
            AutoCloseStream = false,
        };
        request.Headers.ContentEncoding = "gzip";
        Interlocked.Increment(ref _puts);
        await _s3.PutObjectAsync(request, cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _gets);
        try
        {
            using var response = await _s3.GetObjectAsync(_bucket, key, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => ListAsync(prefix, startAfter: null, cancellationToken);

    /// <summary>The marker of the first request is <paramref name="startAfter"/>: S3 skips the keys before it at no cost.</summary>
    public async IAsyncEnumerable<string> ListAsync(string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // ListObjects (v1) paged by marker = last key: S3 serves it as well as v2, and the s3rver stand-in cannot
        // issue v2 continuation tokens on current Node.js (its token cipher, DES, is gone from OpenSSL 3).
        var request = new ListObjectsRequest { BucketName = _bucket, Prefix = prefix, Marker = startAfter };
        while (true)
        {
            Interlocked.Increment(ref _lists);
            var response = await _s3.ListObjectsAsync(request, cancellationToken);

            // SDK v4 returns null rather than an empty list when nothing matches.
            var objects = response.S3Objects ?? [];
            foreach (var o in objects)
            {
                yield return o.Key;
            }

            if (response.IsTruncated != true || objects.Count == 0)
            {
                break;
            }

            request.Marker = objects[^1].Key;
        }
    }

    public async Task CheckAsync(CancellationToken cancellationToken) =>
        // v1 like ListAsync: a truncated v2 answer carries a continuation token, which s3rver fails to make (see above),
        // so with two objects in the bucket the readiness check failed on the stand-in.
        await _s3.ListObjectsAsync(new ListObjectsRequest { BucketName = _bucket, Prefix = ArchiveKeys.TelemetryRoot, MaxKeys = 1 }, cancellationToken);

    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _s3.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public void Dispose() => _s3.Dispose();
}
