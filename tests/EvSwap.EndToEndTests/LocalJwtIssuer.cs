using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EvSwap.EndToEndTests;

/// <summary>Stands in for a Cognito user pool: signs tokens shaped like its access and ID tokens.</summary>
public sealed class LocalJwtIssuer : IDisposable
{
    public const string Issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_local";
    public const string ClientId = "evswap-app-client";

    private readonly RSA _key = RSA.Create(2048);

    /// <summary>The silo arguments that make it trust this issuer.</summary>
    public string[] SiloArgs =>
    [
        "--Auth:Mode=Jwt",
        "--Dashboard:Enabled=true",
        $"--Auth:Issuer={Issuer}",
        $"--Auth:Audience={ClientId}",
        $"--Auth:SigningKeyPem={_key.ExportSubjectPublicKeyInfoPem()}",
    ];

    /// <summary>An access token: no "aud", the app client in "client_id", scopes space-separated.</summary>
    public string AccessToken(string scope) => Sign(new() { ["client_id"] = ClientId, ["token_use"] = "access", ["sub"] = "user-1", ["scope"] = scope });

    /// <summary>An ID token of the same pool: the app client in "aud", the user's groups, no scopes.</summary>
    public string IdToken(params string[] groups) => Sign(new() { ["aud"] = ClientId, ["token_use"] = "id", ["sub"] = "user-1", ["cognito:groups"] = groups });

    private string Sign(Dictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Claims = claims,
            NotBefore = now.AddMinutes(-10),
            IssuedAt = now.AddMinutes(-10),
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key), SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => _key.Dispose();
}
