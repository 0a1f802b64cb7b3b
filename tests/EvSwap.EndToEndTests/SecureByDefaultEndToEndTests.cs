using System.Net;
using System.Net.Http.Headers;
using EvSwap.Api;
using EvSwap.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvSwap.EndToEndTests;

/// <summary>Auth:Mode=Jwt: every endpoint needs a reader's access token unless it is deliberately public (the probes).</summary>
public sealed class SecureByDefaultEndToEndTests : IDisposable
{
    private const string Secret = "password=hunter2 at db.internal:5432";
    private readonly LocalJwtIssuer _issuer = new();

    public void Dispose() => _issuer.Dispose();

    /// <summary>The status of the answer itself: a followed redirect would drop the token and show the next page's.</summary>
    private static async Task<HttpStatusCode> GetStatusAsync(TestSilo silo, string path, string? token)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = silo.Http.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A readiness check that fails with an exception whose message must not reach the public probe.</summary>
    private static void AddLeakyCheck(WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks().AddCheck("leaky", new LeakyCheck(), HealthStatus.Degraded, [ApiServiceCollectionExtensions.ReadyTag]);

    [Fact]
    public async Task Management_endpoints_answer_401_without_a_token_and_serve_a_readers_token()
    {
        (string Path, HttpStatusCode WithToken)[] endpoints =
        [
            ("/metrics", HttpStatusCode.OK),
            ("/swagger", HttpStatusCode.MovedPermanently),
            ("/swagger/index.html", HttpStatusCode.OK),
            ("/openapi/v1.json", HttpStatusCode.OK),
            ("/dashboard", HttpStatusCode.MovedPermanently),
            ("/dashboard/", HttpStatusCode.OK),
            ("/dashboard/ClusterStats", HttpStatusCode.OK),
            // The console, without Console:ClientId: a reader's bearer token, as the API.
            ("/", HttpStatusCode.OK),
            ("/console/fleet", HttpStatusCode.OK),
        ];
        await using var silo = await TestSilo.StartAsync(_issuer.SiloArgs);

        foreach (var (path, withToken) in endpoints)
        {
            // The path rides along in each comparison so a failure names the endpoint.
            Assert.Equal((path, HttpStatusCode.Unauthorized), (path, await GetStatusAsync(silo, path, null)));
            Assert.Equal((path, HttpStatusCode.Forbidden), (path, await GetStatusAsync(silo, path, _issuer.AccessToken("profile"))));
            Assert.Equal((path, withToken), (path, await GetStatusAsync(silo, path, _issuer.AccessToken("evswap/read"))));
        }
    }

    [Fact]
    public async Task An_id_token_is_refused_even_from_the_right_pool_and_app_client()
    {
        await using var silo = await TestSilo.StartAsync(_issuer.SiloArgs);

        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(silo, "/stations", _issuer.IdToken("evswap-readers", "evswap-operators")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetStatusAsync(silo, "/metrics", _issuer.IdToken("evswap-readers")));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(silo, "/stations", _issuer.AccessToken("evswap/read")));
    }

    [Fact]
    public async Task Readiness_is_public_and_shows_a_failing_checks_fixed_description_not_its_exception()
    {
        await using var silo = await TestSilo.StartAsync(AddLeakyCheck, _issuer.SiloArgs);

        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(silo, "/health/live", null));
        using var ready = await silo.Http.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body, StringComparison.Ordinal);
        var leaky = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("leaky");
        Assert.Equal("Degraded", leaky.GetProperty("status").GetString());
        Assert.Equal(HealthResponse.FailedDescription, leaky.GetProperty("description").GetString());
    }

    private sealed class LeakyCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException(Secret);
    }
}
