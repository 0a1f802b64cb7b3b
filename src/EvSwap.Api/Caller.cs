using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace EvSwap.Api;

/// <summary>Who is calling, from the token; what the downlink records as a command's sender or a reservation's rider.</summary>
internal static class Caller
{
    /// <summary>The sender recorded for commands when the API runs without authentication (Auth:Mode=None).</summary>
    public const string LocalOperator = "local-operator";

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The token's user name or subject; null without a token.</summary>
    public static string? Name(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true
            ? user.FindFirst("username")?.Value ?? user.FindFirst("cognito:username")?.Value ?? user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            : null;

    /// <summary>The Idempotency-Key header (1-128 printable ASCII characters), null when absent; an error for a bad one.</summary>
    public static bool TryIdempotencyKey(HttpRequest request, out string? key, out IResult? error)
    {
        error = null;
        key = null;
        if (!request.Headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            return true;
        }

        key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > 128 || key.Any(c => c is < '!' or > '~'))
        {
            error = QueryParsing.BadRequest(IdempotencyKeyHeader, "Idempotency-Key must be one value of 1-128 printable ASCII characters without spaces.");
            return false;
        }

        return true;
    }
}
