using System.ComponentModel.DataAnnotations;

namespace EvSwap.Api;

public sealed class ApiAuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary><c>None</c> (local profile, warned at startup) or <c>Jwt</c>.</summary>
    public string Mode { get; set; } = "None";

    /// <summary>The token issuer with OIDC discovery, e.g. https://cognito-idp.{region}.amazonaws.com/{userPoolId}.</summary>
    public string? Authority { get; set; }

    /// <summary>
    /// The app client id, or several separated by commas (a user client and a machine client). Cognito access tokens
    /// carry it as <c>client_id</c> (other issuers' access tokens as <c>aud</c>, also accepted). ID tokens are refused
    /// whatever their audience: they prove who signed in, not what a caller may do.
    /// </summary>
    public string? Audience { get; set; }

    public IReadOnlySet<string> Audiences => (Audience ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();

    /// <summary>Offline validation without discovery (tests, air-gapped sites): issuer plus the signer's public key in PEM.</summary>
    public string? Issuer { get; set; }

    public string? SigningKeyPem { get; set; }

    public string ReadScope { get; set; } = "evswap/read";
    public string OperateScope { get; set; } = "evswap/operate";

    /// <summary>Members of this Cognito group may read, whatever their token's scopes.</summary>
    public string ReaderGroup { get; set; } = "evswap-readers";

    /// <summary>Members of this Cognito group may read and operate, whatever their token's scopes.</summary>
    public string OperatorGroup { get; set; } = "evswap-operators";

    public bool IsJwt => string.Equals(Mode, "Jwt", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsJwt)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return new("Auth:Audience must be the Cognito app client id when Auth:Mode=Jwt.");
        }

        var offline = !string.IsNullOrWhiteSpace(SigningKeyPem);
        if (string.IsNullOrWhiteSpace(Authority) && !offline)
        {
            yield return new("Auth:Authority must be set when Auth:Mode=Jwt (https://cognito-idp.{region}.amazonaws.com/{userPoolId}), or Auth:Issuer with Auth:SigningKeyPem.");
        }

        if (offline && string.IsNullOrWhiteSpace(Issuer))
        {
            yield return new("Auth:Issuer must be set together with Auth:SigningKeyPem.");
        }
    }
}
