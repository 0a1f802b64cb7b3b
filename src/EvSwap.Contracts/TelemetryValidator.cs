using System.Text.Json;

namespace EvSwap.Contracts;

/// <summary>Why a telemetry message was rejected. The names are stable: metrics and the dead-letter archive use them.</summary>
public enum RejectReason
{
    TooLarge,
    BadTopic,
    BadJson,
    UnknownSchema,
    MissingField,
    StationIdMismatch,
    OutOfRange,

    /// <summary>The payload's bytes are not UTF-8, so it is not JSON text, wherever the bad bytes are.</summary>
    InvalidUtf8,

    /// <summary>A string escapes a UTF-16 surrogate without its pair (<c>"\ud800"</c>): valid JSON syntax, but not text.</summary>
    LoneSurrogate,

    /// <summary>Valid, but so far behind its station's newest message that it cannot be told from a duplicate.</summary>
    OutsideDedupWindow,
}

public readonly record struct ValidationFailure(RejectReason Reason, string Detail)
{
    public override string ToString() => $"{Reason}: {Detail}";
}

public sealed class TelemetryParseResult
{
    private TelemetryParseResult(TelemetryMessage? message, IReadOnlyList<ValidationFailure> failures, string? stationId)
    {
        Message = message;
        Failures = failures;
        TopicStationId = stationId;
    }

    public TelemetryMessage? Message { get; }
    public IReadOnlyList<ValidationFailure> Failures { get; }

    /// <summary>The station id taken from the topic, when the topic is well formed.</summary>
    public string? TopicStationId { get; }

    public bool IsValid => Failures.Count == 0 && Message is not null;

    internal static TelemetryParseResult Valid(TelemetryMessage message, string stationId) => new(message, [], stationId);
    internal static TelemetryParseResult Invalid(TelemetryMessage? message, List<ValidationFailure> failures, string? stationId) => new(message, failures, stationId);
}

/// <summary>
/// Parses and validates telemetry v1. Collects every failure instead of stopping at the first, so an operator
/// reading the dead-letter archive sees all that is wrong with a station's firmware in one place.
/// </summary>
public static class TelemetryValidator
{
    public const int MaxPayloadBytes = TelemetryLimits.MaxPayloadBytes;
    public const int MaxSlots = 256;
    public const int MaxEvents = 256;
    public const int MaxIdLength = 64;

    // Station clocks drift; a snapshot far in the future is a broken clock, not a message from tomorrow.
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);
    private static readonly DateTimeOffset EarliestTimestamp = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TelemetryParseResult Parse(string topic, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        var failures = new List<ValidationFailure>();

        if (!TelemetryTopic.TryParseStationId(topic, out var topicStationId))
        {
            failures.Add(new(RejectReason.BadTopic, $"topic '{Truncate(topic)}' is not {TelemetryTopic.Prefix}{{stationId}}{TelemetryTopic.Suffix} with a station id of 1-{TelemetryTopic.MaxStationIdLength} of [A-Za-z0-9_-]"));
        }

        if (payload.Length > MaxPayloadBytes)
        {
            failures.Add(new(RejectReason.TooLarge, $"payload is {payload.Length} bytes, the limit is {MaxPayloadBytes}"));
        }

        TelemetryMessage? message = null;

        // Text that not every reader takes is not parsed further: its fields could only be read by guessing.
        if (PayloadText.Check(payload) is { } notText)
        {
            failures.Add(notText);
        }
        else
        {
            message = Deserialize(payload, failures);
        }

        if (message is not null)
        {
            Check(message, topicStationId.Length > 0 ? topicStationId : null, receivedAt, failures);
        }

        var id = topicStationId.Length > 0 ? topicStationId : null;
        return failures.Count == 0 && message is not null
            ? TelemetryParseResult.Valid(message, topicStationId)
            : TelemetryParseResult.Invalid(message, failures, id);
    }

    private static TelemetryMessage? Deserialize(ReadOnlySpan<byte> payload, List<ValidationFailure> failures)
    {
        try
        {
            var message = JsonSerializer.Deserialize(payload, TelemetryJsonContext.Default.TelemetryMessage);
            if (message is null)
            {
                failures.Add(new(RejectReason.BadJson, "payload is JSON null, expected an object"));
            }

            return message;
        }
        catch (JsonException ex) when (ex.Message.Contains("missing required properties", StringComparison.Ordinal))
        {
            failures.Add(new(RejectReason.MissingField, ex.Message));
        }
        catch (JsonException ex)
        {
            failures.Add(new(RejectReason.BadJson, ex.Message));
        }

        return null;
    }

    private static void Check(TelemetryMessage m, string? topicStationId, DateTimeOffset receivedAt, List<ValidationFailure> failures)
    {
        if (m.Schema != TelemetryMessage.SchemaV1)
        {
            failures.Add(new(RejectReason.UnknownSchema, $"schema '{Truncate(m.Schema)}' is not '{TelemetryMessage.SchemaV1}'"));
        }

        if (string.IsNullOrEmpty(m.StationId))
        {
            failures.Add(new(RejectReason.MissingField, "stationId is missing"));
        }
        else if (topicStationId is not null && !string.Equals(m.StationId, topicStationId, StringComparison.Ordinal))
        {
            failures.Add(new(RejectReason.StationIdMismatch, $"payload stationId '{Truncate(m.StationId)}' differs from topic station id '{topicStationId}'"));
        }

        if (m.Boot < 0)
        {
            failures.Add(new(RejectReason.OutOfRange, $"boot {m.Boot} is negative"));
        }

        if (m.Seq < 0)
        {
            failures.Add(new(RejectReason.OutOfRange, $"seq {m.Seq} is negative"));
        }

        if (m.Ts < EarliestTimestamp || m.Ts > receivedAt + MaxClockSkew)
        {
            failures.Add(new(RejectReason.OutOfRange, $"ts {m.Ts:O} is before {EarliestTimestamp:yyyy-MM-dd} or more than {MaxClockSkew.TotalHours} h ahead of the server clock"));
        }

        CheckRange(failures, "ambientC", m.AmbientC, -60, 80);
        CheckRange(failures, "gridPowerKw", m.GridPowerKw, -5000, 5000);

        if (m.Slots is null)
        {
            failures.Add(new(RejectReason.MissingField, "slots is missing"));
        }
        else
        {
            CheckSlots(m.Slots, failures);
        }

        if (m.Events is { Count: > MaxEvents })
        {
            failures.Add(new(RejectReason.OutOfRange, $"{m.Events.Count} events, the limit is {MaxEvents}"));
        }
        else if (m.Events is not null)
        {
            CheckEvents(m.Events, failures);
        }
    }

    private static void CheckSlots(IReadOnlyList<SlotReading> slots, List<ValidationFailure> failures)
    {
        if (slots.Count is 0 or > MaxSlots)
        {
            failures.Add(new(RejectReason.OutOfRange, $"{slots.Count} slots, expected 1-{MaxSlots}"));
            return;
        }

        // Slot numbers are 1..MaxSlots, so a bit per number finds repeats without a set per message.
        Span<bool> seen = stackalloc bool[MaxSlots + 1];
        foreach (var s in slots)
        {
            if (s.Slot is < 1 or > MaxSlots)
            {
                failures.Add(new(RejectReason.OutOfRange, $"slot number {s.Slot} is outside 1-{MaxSlots}"));
            }
            else if (seen[s.Slot])
            {
                failures.Add(new(RejectReason.OutOfRange, $"slot number {s.Slot} appears twice"));
            }
            else
            {
                seen[s.Slot] = true;
            }

            if (s.State is null)
            {
                failures.Add(new(RejectReason.MissingField, $"slot {s.Slot}: state is missing"));
            }
            else if (!SlotStates.IsKnown(s.State))
            {
                failures.Add(new(RejectReason.OutOfRange, $"slot {s.Slot}: state '{Truncate(s.State)}' is not one of {string.Join(", ", SlotStates.All)}"));
            }
            else if (SlotStates.HoldsBattery(s.State) && string.IsNullOrEmpty(s.BatteryId))
            {
                failures.Add(new(RejectReason.MissingField, $"slot {s.Slot}: state '{s.State}' needs a batteryId"));
            }

            if (s.BatteryId is { Length: > MaxIdLength })
            {
                failures.Add(new(RejectReason.OutOfRange, $"slot {s.Slot}: batteryId is longer than {MaxIdLength} characters"));
            }

            CheckSlotRange(failures, s.Slot, "socPct", s.SocPct, 0, 100);
            CheckSlotRange(failures, s.Slot, "tempC", s.TempC, -60, 150);
            CheckSlotRange(failures, s.Slot, "sohPct", s.SohPct, 0, 100);
            if (s.Cycles is < 0 or > 1_000_000)
            {
                failures.Add(new(RejectReason.OutOfRange, $"slot {s.Slot}: cycles {s.Cycles} is outside 0-1000000"));
            }
        }
    }

    private static void CheckEvents(IReadOnlyList<StationEvent> events, List<ValidationFailure> failures)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (string.IsNullOrEmpty(e.Type))
            {
                failures.Add(new(RejectReason.MissingField, $"event {i}: type is missing"));
                continue;
            }

            foreach (var (field, slot) in new[] { ("slotIn", e.SlotIn), ("slotOut", e.SlotOut), ("slot", e.Slot) })
            {
                if (slot is < 1 or > MaxSlots)
                {
                    failures.Add(new(RejectReason.OutOfRange, $"event {i}: {field} {slot} is outside 1-{MaxSlots}"));
                }
            }

            if (e.SocIn is not null || e.SocOut is not null)
            {
                CheckRange(failures, $"event {i}: socIn", e.SocIn, 0, 100);
                CheckRange(failures, $"event {i}: socOut", e.SocOut, 0, 100);
            }

            if (e.Type == EventTypes.Swap && (e.SlotIn is null || e.SlotOut is null))
            {
                failures.Add(new(RejectReason.MissingField, $"event {i}: a swap needs slotIn and slotOut"));
            }
        }
    }

    private static void CheckRange(List<ValidationFailure> failures, string name, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            failures.Add(new(RejectReason.OutOfRange, $"{name} {v} is outside {min}..{max}"));
        }
    }

    // The field name is only formatted when the value fails: a valid message builds no strings at all.
    private static void CheckSlotRange(List<ValidationFailure> failures, int slot, string field, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            failures.Add(new(RejectReason.OutOfRange, $"slot {slot}: {field} {v} is outside {min}..{max}"));
        }
    }

    // Never cuts between the two halves of a surrogate pair: the detail would end in a lone surrogate.
    private static string Truncate(string? s) => s is null ? "(null)" : s.Length <= 80 ? s : s[..(char.IsHighSurrogate(s[79]) ? 79 : 80)] + "...";
}
