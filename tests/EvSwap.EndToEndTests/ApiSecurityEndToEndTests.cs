using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using EvSwap.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EvSwap.EndToEndTests;

/// <summary>Auth:Mode=Jwt with locally issued tokens standing in for a Cognito user pool, and per-client rate limits.</summary>
public sealed class ApiSecurityEndToEndTests : IDisposable
{
    private const string Issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test";
    private const string ClientId = "evswap-app-client";
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    private Task<TestSilo> StartAsync(int permitsPerSecond = 1000, int burst = 1000) => TestSilo.StartAsync(
        "--Auth:Mode=Jwt",
        $"--Auth:Issuer={Issuer}",
        $"--Auth:Audience={ClientId}, machine-client",
        $"--Auth:SigningKeyPem={_key.ExportSubjectPublicKeyInfoPem()}",
        $"--RateLimit:PermitsPerSecond={permitsPerSecond}",
        $"--RateLimit:Burst={burst}");

    /// <summary>A Cognito-shaped access token: no "aud", the app client in "client_id", scopes space-separated.</summary>
    private string Token(string? scope = null, string[]? groups = null, RSA? signer = null, DateTime? expires = null, string client = ClientId, string subject = "user-1")
    {
        var claims = new Dictionary<string, object> { ["client_id"] = client, ["token_use"] = "access", ["sub"] = subject };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        if (groups is not null)
        {
            claims["cognito:groups"] = groups;
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Claims = claims,
            NotBefore = now.AddMinutes(-10),
            IssuedAt = now.AddMinutes(-10),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer ?? _key), SecurityAlgorithms.RsaSha256),
        });
    }

    private static async Task<HttpResponseMessage> SendAsync(TestSilo silo, HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await silo.Http.SendAsync(request);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_get_401_problem_details()
    {
        await using var silo = await StartAsync();

        foreach (var token in new[] { null, "not-a-jwt", Token("evswap/read", signer: _otherKey), Token("evswap/read", expires: DateTime.UtcNow.AddMinutes(-5)), Token("evswap/read", client: "someone-else") })
        {
            var response = await SendAsync(silo, HttpMethod.Get, "/stations", token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // Probes stay open for the load balancer.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, "/health/live", null)).StatusCode);
    }

    [Fact]
    public async Task A_read_scope_reads_and_only_operators_may_flush()
    {
        await using var silo = await StartAsync();
        var reader = Token("evswap/read");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, "/stations", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, "/alerts", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(silo, HttpMethod.Post, "/stations/st-1/flush", reader)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(silo, HttpMethod.Get, "/stations", Token("profile"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, "/stations", Token(groups: ["evswap-readers"]))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, "/stations", Token("evswap/read", client: "machine-client"))).StatusCode);

        // Authorised operators get past the policy (the station never reported, hence 404).
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(silo, HttpMethod.Post, "/stations/st-1/flush", Token("evswap/read evswap/operate"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(silo, HttpMethod.Post, "/stations/st-1/flush", Token(groups: ["evswap-operators"]))).StatusCode);
    }

    [Fact]
    public async Task A_client_over_its_rate_gets_429_problem_details_while_other_clients_are_served()
    {
        await using var silo = await StartAsync(permitsPerSecond: 1, burst: 3);
        var greedy = Token("evswap/read", subject: "greedy");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await SendAsync(silo, HttpMethod.Get, "/alerts", greedy);
            statuses.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal("application/problem+json", limited!.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, "/alerts", Token("evswap/read", subject: "patient"))).StatusCode);
        var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }
}
