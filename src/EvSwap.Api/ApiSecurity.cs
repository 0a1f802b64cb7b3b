using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using EvSwap.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace EvSwap.Api;

/// <summary>Authentication, the read/operate policies, and per-client rate limiting of the API.</summary>
public static class ApiSecurity
{
    public const string ReadPolicy = "evswap.read";
    public const string OperatePolicy = "evswap.operate";
    public const string RateLimitPolicy = "per-client";
    public const string TokenUseClaim = "token_use";
    public const string AccessTokenUse = "access";

    public static IServiceCollection AddEvSwapApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = services.AddCheckedOptions<ApiAuthOptions>(configuration, ApiAuthOptions.Section);
        var limits = services.AddCheckedOptions<RateLimitOptions>(configuration, RateLimitOptions.Section);

        var authentication = services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);
        if (auth.IsJwt)
        {
            authentication.AddJwtBearer(o => Configure(o, auth));
        }

        services.AddAuthorization(o =>
        {
            if (auth.IsJwt)
            {
                var read = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireAssertion(c => HasScope(c.User, auth.ReadScope) || InGroup(c.User, auth.ReaderGroup) || CanOperate(c.User, auth)).Build();
                o.AddPolicy(ReadPolicy, read);
                o.AddPolicy(OperatePolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => CanOperate(c.User, auth)));

                // Secure by default: an endpoint or middleware nobody marked (metrics, OpenAPI, Swagger UI, the
                // dashboard, whatever is added next) needs a reader's token; only AllowAnonymous endpoints are public.
                o.FallbackPolicy = read;
            }
            else
            {
                // Auth:Mode=None: the same endpoints, open (the silo warns at startup).
                o.AddPolicy(ReadPolicy, p => p.RequireAssertion(_ => true));
                o.AddPolicy(OperatePolicy, p => p.RequireAssertion(_ => true));
            }
        });

        services.AddRateLimiter(o =>
        {
            // Per client across the cluster: every silo draws the client's permits from one grain (ClusterRateLimiter).
            o.AddPolicy(RateLimitPolicy, context => RateLimitPartition.Get(ClientKey(context), client =>
                new ClusterRateLimiter(client, context.RequestServices.GetRequiredService<IGrainFactory>(), limits, TimeProvider.System)));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = "1";
                await Results.Problem(
                    title: "Too many requests",
                    detail: $"This client is limited to {limits.PermitsPerSecond} requests per second (burst {limits.Burst}); retry after the Retry-After interval.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
            };
        });

        return services;
    }

    /// <summary>
    /// The rate-limit partition: the token's subject (a user, or the app client itself for client-credentials tokens)
    /// when authenticated, else the remote address. Not client_id: every user of one app client shares it.
    /// </summary>
    internal static string ClientKey(HttpContext context) =>
        context.User.FindFirst("sub")?.Value
        ?? context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value
        ?? context.Connection.RemoteIpAddress?.ToString()
        ?? "unknown";

    private static void Configure(JwtBearerOptions o, ApiAuthOptions auth)
    {
        o.MapInboundClaims = false;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromMinutes(1),
            // Cognito access tokens have no "aud": the app client is in "client_id".
            AudienceValidator = (audiences, token, _) =>
                audiences.Any(auth.Audiences.Contains) || (token is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken jwt && jwt.TryGetPayloadValue<string>("client_id", out var client) && auth.Audiences.Contains(client)),
        };

        if (!string.IsNullOrWhiteSpace(auth.SigningKeyPem))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(auth.SigningKeyPem);
            o.TokenValidationParameters.ValidIssuer = auth.Issuer;
            o.TokenValidationParameters.IssuerSigningKey = new RsaSecurityKey(rsa);
        }
        else
        {
            o.Authority = auth.Authority;
            o.TokenValidationParameters.ValidIssuer = auth.Authority;
        }

        o.Events = new JwtBearerEvents
        {
            // The signature proves Cognito issued the token, not which kind: an ID token of the same pool is as
            // validly signed, so its kind is checked here.
            OnTokenValidated = context =>
            {
                if (context.Principal?.FindFirst(TokenUseClaim)?.Value != AccessTokenUse)
                {
                    context.Fail("Only access tokens are accepted (token_use must be 'access').");
                }

                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Results.Problem(title: "Unauthorized", detail: "A valid bearer token is required.", statusCode: 401).ExecuteAsync(context.HttpContext);
            },
            OnForbidden = context => Results.Problem(title: "Forbidden", detail: "The token lacks the scope or group this operation needs.", statusCode: 403).ExecuteAsync(context.HttpContext),
        };
    }

    private static bool CanOperate(ClaimsPrincipal user, ApiAuthOptions auth) =>
        HasScope(user, auth.OperateScope) || InGroup(user, auth.OperatorGroup);

    private static bool InGroup(ClaimsPrincipal user, string group) => user.FindAll("cognito:groups").Any(g => g.Value == group);

    private static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll("scope").Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope));
}
