using System.ComponentModel.DataAnnotations;

namespace EvSwap.Archive.S3;

public sealed class S3Options : IValidatableObject
{
    public const string Section = "S3";

    public string? Bucket { get; set; }

    /// <summary>Region of the bucket; with no ServiceUrl the SDK's default credential chain (the ECS task role) signs requests.</summary>
    public string? Region { get; set; }

    /// <summary>An S3-API endpoint other than AWS (s3rver, MinIO); implies path-style addressing.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Static keys for a ServiceUrl endpoint; ignored for AWS, where the credential chain is used.</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>Create the bucket at startup if missing (local stand-ins only; on AWS CloudFormation owns the bucket).</summary>
    public bool CreateBucketIfNotExists { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return new("S3:Bucket must name the archive bucket when Archive:Provider=S3.");
        }

        if (string.IsNullOrWhiteSpace(ServiceUrl) && string.IsNullOrWhiteSpace(Region))
        {
            yield return new("S3:Region must be set (for example eu-west-1), or S3:ServiceUrl for an S3-compatible endpoint.");
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl) && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            yield return new($"S3:ServiceUrl '{ServiceUrl}' is not an absolute URL such as http://127.0.0.1:4568.");
        }
    }
}
