using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using EvSwap.Testing;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EvSwap.Console.Tests;

/// <summary>Auth:Mode=Jwt: how the console signs operators in, as the silo host configures it.</summary>
public class ConsoleSignInTests
{
    private static string[] Args(params string[] extra) =>
    [
        $"--urls=http://127.0.0.1:{FreePort.Next()}",
        $"--Mqtt:Port={FreePort.Next()}",
        $"--Orleans:SiloPort={FreePort.Next()}",
        $"--Orleans:GatewayPort={FreePort.Next()}",
        $"--Archive:Path={Path.Combine(Path.GetTempPath(), "evswap-signin-" + Guid.NewGuid().ToString("N"))}",
        "--Logging:LogLevel:Default=Warning",
        "--Auth:Mode=Jwt",
        "--Auth:Audience=evswap-app-client",
        .. extra,
    ];

    [Fact]
    public async Task With_an_app_client_operators_sign_in_with_the_authorization_code_and_pkce()
    {
        await using var app = EvSwap.Silo.SiloApp.Build(Args(
            "--Auth:Authority=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool",
            "--Console:ClientId=console-client"));

        var oidc = app.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(ConsoleHostingExtensions.OidcScheme);

        Assert.Equal(("code", true, "console-client"), (oidc.ResponseType, oidc.UsePkce, oidc.ClientId));
        Assert.Equal("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool", oidc.Authority);
        Assert.Equal(["openid", "email", "evswap/read"], oidc.Scope);
        Assert.Equal(ConsoleHostingExtensions.CookieScheme, oidc.SignInScheme);
        Assert.Null(oidc.ClientSecret);
    }

    [Fact]
    public void An_app_client_without_a_user_pool_stops_the_start_with_what_to_fix()
    {
        var issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_local";
        using var key = System.Security.Cryptography.RSA.Create(2048);

        var error = Assert.Throws<OptionsValidationException>(() => EvSwap.Silo.SiloApp.Build(
            Args($"--Auth:Issuer={issuer}", $"--Auth:SigningKeyPem={key.ExportSubjectPublicKeyInfoPem()}", "--Console:ClientId=console-client")));

        Assert.Contains("Console:ClientId needs Auth:Authority", error.Message);
    }

    [Fact]
    public async Task The_swap_csv_download_needs_a_readers_token_when_the_console_takes_bearer_tokens()
    {
        const string issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_csv";
        using var key = RSA.Create(2048);
        await using var silo = await TestSilo.StartAsync(
            "--Auth:Mode=Jwt", "--Auth:Audience=console-tests", $"--Auth:Issuer={issuer}", $"--Auth:SigningKeyPem={key.ExportSubjectPublicKeyInfoPem()}");

        using var anonymous = await silo.Http.GetAsync(SwapExport.Route);
        using var request = new HttpRequestMessage(HttpMethod.Get, SwapExport.Route);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Claims = new Dictionary<string, object> { ["client_id"] = "console-tests", ["token_use"] = "access", ["sub"] = "reader-1", ["scope"] = "evswap/read" },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key), SecurityAlgorithms.RsaSha256),
        }));
        using var reader = await silo.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "text/csv"), (reader.StatusCode, reader.Content.Headers.ContentType?.MediaType));
        Assert.StartsWith("id,stationId,at,", await reader.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
