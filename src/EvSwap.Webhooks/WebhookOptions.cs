using EvSwap.Contracts;

namespace EvSwap.Webhooks;

/// <summary>One webhook (<c>Alarms:Webhooks:{n}</c>): where alarm events go, how they are signed, and which ones.</summary>
public sealed class WebhookOptions
{
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key of the X-EvSwap-Signature header; the receiver checks it with the same secret.</summary>
    public string? Secret { get; set; }

    /// <summary>Only alarms of this severity or more urgent (critical, major, minor, warning).</summary>
    public string MinSeverity { get; set; } = AlarmSeverities.Warning;

    /// <summary>Only these alarm kinds; empty means every kind.</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>Only these events (raised, acknowledged, cleared, escalated); empty means every event. An on-call pager may take only <c>escalated</c>.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Matches(string kind, string severity, string evt) =>
        AlarmSeverities.Rank(severity) >= AlarmSeverities.Rank(MinSeverity) && (Kinds.Count == 0 || Kinds.Contains(kind)) && (Events.Count == 0 || Events.Contains(evt));

    public IEnumerable<string> Validate(int index, IReadOnlyCollection<string> knownKinds)
    {
        var key = $"Alarms:Webhooks:{index}";
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return $"{key}:Url must be an absolute http(s) URL (is '{Url}').";
        }

        if (string.IsNullOrEmpty(Secret) || Secret.Length < 16)
        {
            yield return $"{key}:Secret must be at least 16 characters: receivers verify the signature with it.";
        }

        if (!AlarmSeverities.IsValid(MinSeverity))
        {
            yield return $"{key}:MinSeverity must be one of {string.Join(", ", AlarmSeverities.All)} (is '{MinSeverity}').";
        }

        foreach (var kind in Kinds.Where(k => !knownKinds.Contains(k)))
        {
            yield return $"{key}:Kinds names '{kind}', which is not an alarm kind ({string.Join(", ", knownKinds)}).";
        }

        foreach (var evt in Events.Where(e => !AlarmEvents.All.Contains(e)))
        {
            yield return $"{key}:Events names '{evt}', which is not an alarm event ({string.Join(", ", AlarmEvents.All)}).";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{key}:Timeout must be positive (is {Timeout}).";
        }
    }
}
