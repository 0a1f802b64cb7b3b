using EvSwap.Archive;
using EvSwap.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvSwap.Console;

/// <summary>Adds the operator console to the silo's ASP.NET Core host: Blazor with server interactivity, served at <c>/</c>.</summary>
public static class ConsoleHostingExtensions
{
    public const string CookieScheme = "EvSwap.Console";
    public const string OidcScheme = "EvSwap.Console.Oidc";
    public const string SignInPolicy = "EvSwap.Console.SignedIn";

    public static WebApplicationBuilder AddEvSwapConsole(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var requireSignIn = string.Equals(builder.Configuration["Auth:Mode"], "Jwt", StringComparison.OrdinalIgnoreCase);
        var hasAuthority = !string.IsNullOrWhiteSpace(builder.Configuration["Auth:Authority"]);
        var options = services.AddCheckedOptions<ConsoleOptions>(builder.Configuration, ConsoleOptions.Section, o => (o.RequireSignIn, o.HasAuthority) = (requireSignIn, hasAuthority));
        if (!options.Enabled)
        {
            return builder;
        }

        // Outside Development, a build (not publish) output finds package assets only through this; published output has
        // them in wwwroot and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        // A build manifest otherwise turns on ASP.NET's hot reload of assets: any asset whose file time differs from the
        // manifest's by a fraction of a second (MudBlazor's stylesheet does) is then read, hashed and gzipped without
        // compression on every request, 627 KB each time, instead of the build's 67 KB gzip. First in the list, so any
        // configuration source can still turn it back on.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("ReloadStaticAssetsAtRuntime", "false")],
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        MudBlazor.Services.ServiceCollectionExtensions.AddMudServices(services);
        services.AddSingleton<FleetMirror>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetMirror>());
        services.AddSingleton<CostMeter>();
        services.AddHostedService(sp => sp.GetRequiredService<CostMeter>());
        services.AddSingleton<CostReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<CostReporter>());
        services.AddSingleton<StationHistory>();

        if (options.SignsIn)
        {
            // Operators sign in against the same Cognito user pool the API trusts: authorization code with PKCE, the
            // session kept in a cookie. Bearer tokens stay the API's default scheme.
            services.AddAuthentication()
                .AddCookie(CookieScheme, o =>
                {
                    o.Cookie.Name = "evswap-console";
                    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.ForwardChallenge = OidcScheme;
                })
                .AddOpenIdConnect(OidcScheme, o =>
                {
                    o.Authority = builder.Configuration["Auth:Authority"];
                    o.ClientId = options.ClientId;
                    o.ClientSecret = options.ClientSecret;
                    o.ResponseType = "code";
                    o.UsePkce = true;
                    o.SignInScheme = CookieScheme;
                    o.SaveTokens = true;
                    o.Scope.Clear();
                    foreach (var scope in options.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        o.Scope.Add(scope);
                    }
                });
            // The API's read rights (scope or Cognito group), asked of the signed-in operator's session instead of a bearer token.
            services.AddOptions<AuthorizationOptions>().PostConfigure(o => o.AddPolicy(SignInPolicy, new AuthorizationPolicyBuilder()
                .Combine(o.GetPolicy(EvSwap.Api.ApiSecurity.ReadPolicy)!)
                .AddAuthenticationSchemes(CookieScheme)
                .Build()));
        }

        return builder;
    }

    public static WebApplication MapEvSwapConsole(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        if (!options.Enabled)
        {
            app.MapGet("/", () => Results.Redirect("/swagger")).ExcludeFromDescription();
            return app;
        }

        app.UseAntiforgery();
        // Assets (MudBlazor's, the console's, blazor.web.js) come from the build's static web assets manifest: from NuGet
        // packages and this repository, never a CDN. A host whose application name is not the silo's (a test host) names it.
        var manifest = Path.Combine(AppContext.BaseDirectory, "EvSwap.Silo.staticwebassets.endpoints.json");
        if (File.Exists(manifest))
        {
            app.MapStaticAssets(manifest);
        }
        else
        {
            app.Logger.LogWarning("Console: no static web assets manifest at {Manifest}; pages render without styles.", manifest);
        }

        var pages = app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
        var export = app.MapSwapExport();
        if (options.SignsIn)
        {
            pages.RequireAuthorization(SignInPolicy);
            export.RequireAuthorization(SignInPolicy);
            app.MapGet("/signout", async (HttpContext context) =>
            {
                await context.SignOutAsync(CookieScheme);
                return Results.Redirect("/");
            }).RequireAuthorization(SignInPolicy).ExcludeFromDescription();
        }
        else if (!options.RequireSignIn)
        {
            pages.AllowAnonymous();
            export.AllowAnonymous();
        }

        // Otherwise (Jwt without Console:ClientId) the API's fallback policy applies: a reader's bearer token.

        return app;
    }
}
