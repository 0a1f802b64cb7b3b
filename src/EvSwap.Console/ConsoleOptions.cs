using System.ComponentModel.DataAnnotations;

namespace EvSwap.Console;

/// <summary>The operator console (section <c>Console</c>). Sign-in reuses <c>Auth:Mode</c> and <c>Auth:Authority</c>.</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";

    /// <summary>Serve the console at <c>/</c>; off, <c>/</c> redirects to the API's Swagger UI as before.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A station with this many charged batteries or fewer is "about to run out" on the overview.</summary>
    [Range(0, 64, ErrorMessage = "Console:LowAvailability must be between 0 and 64.")]
    public int LowAvailability { get; set; } = 1;

    /// <summary>
    /// How often the open alarms page reads the alarm shards again: one call per shard (Fleet:Shards), never a station.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Console:AlarmRefresh must be between 00:00:01 and 00:10:00.")]
    public TimeSpan AlarmRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often an open alarm's page reads it again, so a change made elsewhere (an acknowledgement, a comment, the alarm
    /// clearing) shows within about this long: one call to one shard, cheaper than the list's one per shard.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Console:AlarmDetailRefresh must be between 00:00:01 and 00:10:00.")]
    public TimeSpan AlarmDetailRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Auth:Mode=Jwt: the Cognito app client the console signs operators in with (authorization code + PKCE, callback
    /// <c>https://{host}/signin-oidc</c>). Unset, the console answers only requests with a reader's bearer token, as the API.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>Only for an app client created with a secret; a public client (PKCE alone) leaves it unset.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for at sign-in, space separated.</summary>
    public string Scopes { get; set; } = "openid email evswap/read";

    /// <summary>Set by the host from Auth:Mode; not a setting of its own.</summary>
    internal bool RequireSignIn { get; set; }

    /// <summary>Set by the host from Auth:Authority: sign-in needs the user pool's discovery document.</summary>
    internal bool HasAuthority { get; set; }

    /// <summary>Jwt mode with an app client: operators sign in in the browser. Without one the console takes bearer tokens, as the API.</summary>
    internal bool SignsIn => RequireSignIn && !string.IsNullOrWhiteSpace(ClientId);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && SignsIn && !HasAuthority)
        {
            yield return new("Console:ClientId needs Auth:Authority (https://cognito-idp.{region}.amazonaws.com/{userPoolId}) to sign operators in; set it, or leave Console:ClientId unset to accept bearer tokens only.");
        }
    }
}
