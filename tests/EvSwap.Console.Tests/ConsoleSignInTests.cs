using EvSwap.Testing;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
}
