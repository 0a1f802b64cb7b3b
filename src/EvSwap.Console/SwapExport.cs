using System.Globalization;
using EvSwap.Api;
using EvSwap.Ledger;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvSwap.Console;

/// <summary>
/// The swaps page's "Download CSV" link: the API's own swap query and CSV (same checks, columns and streaming) at a console
/// route, so a link works with the console's sign-in (a cookie) where <c>GET /swaps</c> needs a bearer token and an
/// <c>Accept: text/csv</c> header that a link cannot send.
/// </summary>
public static class SwapExport
{
    public const string Route = "/console/swaps.csv";

    public static RouteHandlerBuilder MapSwapExport(this IEndpointRouteBuilder routes) =>
        routes.MapGet(Route, (ISwapStore store, TimeProvider time, string? station, string? battery, string? from, string? to, CancellationToken cancellationToken) =>
                SwapEndpoints.QuerySwaps(store, time, station, battery, from, to, cursor: null, limit: null, csv: true, cancellationToken))
            .RequireRateLimiting(ApiSecurity.RateLimitPolicy)
            .ExcludeFromDescription();

    /// <summary>The link for these filters; relative, so it follows the page's base address.</summary>
    public static string Href(string? station, string? battery, DateTimeOffset from, DateTimeOffset to)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(station))
        {
            query.Add("station=" + Uri.EscapeDataString(station));
        }

        if (!string.IsNullOrEmpty(battery))
        {
            query.Add("battery=" + Uri.EscapeDataString(battery));
        }

        query.Add("from=" + Uri.EscapeDataString(from.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        query.Add("to=" + Uri.EscapeDataString(to.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        return Route.TrimStart('/') + "?" + string.Join('&', query);
    }
}
