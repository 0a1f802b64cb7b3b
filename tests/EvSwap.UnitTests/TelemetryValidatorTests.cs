using EvSwap.Contracts;

namespace EvSwap.UnitTests;

public class TelemetryValidatorTests
{
    private static TelemetryParseResult Parse(byte[] payload, string? topic = null) =>
        TelemetryValidator.Parse(topic ?? Samples.Topic(), payload, Samples.Now);

    private static IEnumerable<RejectReason> Reasons(TelemetryParseResult r) => r.Failures.Select(f => f.Reason);

    // A valid message with an unknown property put first, holding the given raw bytes as its value.
    private static byte[] WithUnknownProperty(ReadOnlySpan<byte> value) => [.. "{\"note\":"u8, .. value, (byte)',', .. Samples.Json(Samples.Message()).AsSpan(1)];

    private static byte[] WithUnknownProperty(string json) => WithUnknownProperty(Samples.Bytes(json));

    // A valid message whose first battery id is replaced by the given raw bytes (inside its quotes).
    private static byte[] WithBatteryId(ReadOnlySpan<byte> id)
    {
        var json = Samples.Json(Samples.Message());
        var at = json.AsSpan().IndexOf("bat-001293"u8);
        return [.. json.AsSpan(0, at), .. id, .. json.AsSpan(at + "bat-001293".Length)];
    }

    [Fact]
    public void The_design_documents_sample_message_is_valid()
    {
        var json = """
            {"schema":"evswap.telemetry.v1","stationId":"st-0042","boot":7,"seq":18231,"ts":"2026-11-24T18:00:05.120Z","ambientC":21.4,"gridPowerKw":37.5,
             "slots":[{"slot":1,"state":"ready","batteryId":"bat-001293","socPct":98.5,"tempC":29.8,"sohPct":96.1,"cycles":412},
                      {"slot":2,"state":"charging","batteryId":"bat-000771","socPct":41.0,"tempC":35.2,"sohPct":91.7,"cycles":990},
                      {"slot":3,"state":"empty"}],
             "events":[{"type":"swap","at":"2026-11-24T18:00:01.900Z","slotIn":3,"batteryIn":"bat-000118","slotOut":1,"batteryOut":"bat-001293"},
                       {"type":"fault","at":"2026-11-24T18:00:02.000Z","slot":2,"code":"OVERTEMP"}]}
            """;
        var result = Parse(Samples.Bytes(json));

        Assert.True(result.IsValid, string.Join("; ", result.Failures));
        Assert.Equal("st-0042", result.TopicStationId);
        Assert.Equal(18231, result.Message!.Seq);
        Assert.Equal(3, result.Message.Slots!.Count);
        Assert.Equal("OVERTEMP", result.Message.Events![1].Code);
    }

    [Fact]
    public void A_swap_may_carry_the_charge_of_both_batteries_and_a_charge_outside_0_to_100_is_out_of_range()
    {
        var valid = Parse(Samples.Json(Samples.Message(events: [Samples.Swap() with { SocIn = 12.5, SocOut = 98 }])));
        Assert.True(valid.IsValid, string.Join("; ", valid.Failures));
        Assert.Equal((12.5, 98.0), (valid.Message!.Events![0].SocIn, valid.Message.Events[0].SocOut));

        var invalid = Parse(Samples.Json(Samples.Message(events: [Samples.Swap() with { SocOut = 101 }])));
        Assert.Equal([RejectReason.OutOfRange], Reasons(invalid));
    }

    [Fact]
    public void Malformed_json_is_rejected_as_bad_json()
    {
        var result = Parse(Samples.Bytes("{\"schema\": "));
        Assert.Equal([RejectReason.BadJson], Reasons(result));
    }

    [Fact]
    public void A_wrong_type_is_rejected_as_bad_json()
    {
        var result = Parse(Samples.Bytes("""{"schema":"evswap.telemetry.v1","stationId":"st-0042","boot":"seven","seq":1,"ts":"2026-11-24T18:00:05Z","slots":[]}"""));
        Assert.Contains(RejectReason.BadJson, Reasons(result));
    }

    [Fact]
    public void An_unknown_schema_is_rejected()
    {
        var result = Parse(Samples.Json(Samples.Message() with { Schema = "evswap.telemetry.v2" }));
        Assert.Equal([RejectReason.UnknownSchema], Reasons(result));
    }

    [Fact]
    public void A_payload_station_id_that_differs_from_the_topic_is_rejected()
    {
        var result = Parse(Samples.Json(Samples.Message(stationId: "st-9999")), Samples.Topic("st-0042"));
        Assert.Equal([RejectReason.StationIdMismatch], Reasons(result));
    }

    [Theory]
    [InlineData("evswap/v1/stations/st 1/telemetry")]
    [InlineData("evswap/v1/stations//telemetry")]
    [InlineData("evswap/v2/stations/st-1/telemetry")]
    [InlineData("evswap/v1/stations/st-1/status")]
    public void A_topic_outside_the_contract_is_rejected(string topic)
    {
        var result = Parse(Samples.Json(Samples.Message(stationId: "st-1")), topic);
        Assert.Contains(RejectReason.BadTopic, Reasons(result));
    }

    [Fact]
    public void A_station_id_longer_than_64_characters_is_a_bad_topic()
    {
        var id = new string('a', 65);
        Assert.Contains(RejectReason.BadTopic, Reasons(Parse(Samples.Json(Samples.Message(stationId: id)), Samples.Topic(id))));
    }

    [Fact]
    public void A_payload_over_128_KiB_is_rejected_as_too_large()
    {
        var padding = new string(' ', TelemetryValidator.MaxPayloadBytes);
        var json = Samples.Bytes(System.Text.Encoding.UTF8.GetString(Samples.Json(Samples.Message())) + padding);
        Assert.Contains(RejectReason.TooLarge, Reasons(Parse(json)));
    }

    [Fact]
    public void Missing_required_fields_are_rejected_as_missing()
    {
        var result = Parse(Samples.Bytes("""{"schema":"evswap.telemetry.v1","stationId":"st-0042","ts":"2026-11-24T18:00:05Z","slots":[{"slot":1,"state":"empty"}]}"""));
        Assert.Contains(RejectReason.MissingField, Reasons(result));
    }

    [Fact]
    public void A_charging_slot_without_a_battery_id_is_rejected_as_missing()
    {
        var message = Samples.Message(slots: [new SlotReading { Slot = 1, State = SlotStates.Charging, SocPct = 50 }]);
        Assert.Equal([RejectReason.MissingField], Reasons(Parse(Samples.Json(message))));
    }

    [Theory]
    [InlineData(1, "ready", 101.0, 30.0)]
    [InlineData(1, "ready", -1.0, 30.0)]
    [InlineData(1, "ready", 50.0, 400.0)]
    [InlineData(0, "ready", 50.0, 30.0)]
    [InlineData(1, "exploded", 50.0, 30.0)]
    public void Values_out_of_range_are_rejected(int slot, string state, double soc, double temp)
    {
        var message = Samples.Message(slots: [new SlotReading { Slot = slot, State = state, BatteryId = "bat-1", SocPct = soc, TempC = temp }]);
        Assert.Equal([RejectReason.OutOfRange], Reasons(Parse(Samples.Json(message))).Distinct());
    }

    [Fact]
    public void A_timestamp_far_in_the_future_is_out_of_range()
    {
        var result = Parse(Samples.Json(Samples.Message(ts: Samples.Now.AddDays(3))));
        Assert.Equal([RejectReason.OutOfRange], Reasons(result));
    }

    [Fact]
    public void Duplicate_slot_numbers_are_out_of_range()
    {
        var message = Samples.Message(slots: [new SlotReading { Slot = 1, State = SlotStates.Empty }, new SlotReading { Slot = 1, State = SlotStates.Empty }]);
        Assert.Equal([RejectReason.OutOfRange], Reasons(Parse(Samples.Json(message))));
    }

    [Fact]
    public void Every_reason_is_reported_not_only_the_first()
    {
        var message = Samples.Message(stationId: "st-other", boot: -1) with { Schema = "nope" };
        var reasons = Reasons(Parse(Samples.Json(message), Samples.Topic("st-0042"))).ToHashSet();
        Assert.Equal(new HashSet<RejectReason> { RejectReason.UnknownSchema, RejectReason.StationIdMismatch, RejectReason.OutOfRange }, reasons);
    }

    [Theory]
    [InlineData(new byte[] { 0xff })]
    [InlineData(new byte[] { 0xc3, 0x28 })]
    [InlineData(new byte[] { 0xc0, 0xaf })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    [InlineData(new byte[] { 0xf4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xe2, 0x82 })]
    public void Bytes_that_are_not_utf8_in_a_known_string_are_rejected_as_invalid_utf8(byte[] bad)
    {
        // Never valid, a lead byte without its continuation, an overlong '/', a UTF-8 encoded surrogate, a code point
        // above U+10FFFF, a truncated sequence.
        Assert.Equal([RejectReason.InvalidUtf8], Reasons(Parse(WithBatteryId([.. "bat-"u8, .. bad]))));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_in_an_unknown_property_the_parser_skips_are_rejected_as_invalid_utf8_with_their_offset()
    {
        Assert.True(Parse(WithUnknownProperty("\"ok\"")).IsValid);

        var failure = Assert.Single(Parse(WithUnknownProperty([(byte)'"', 0xc3, 0x28, (byte)'"'])).Failures);

        Assert.Equal(RejectReason.InvalidUtf8, failure.Reason);
        Assert.Contains("at byte 9", failure.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\uDC00\"")]
    [InlineData("\"x\\ud83d\"")]
    [InlineData("\"\\ud800\\u0041\"")]
    [InlineData("\"\\ud800x\\udc00\"")]
    [InlineData("\"\\udfff\\ud800\"")]
    [InlineData("[\"ok\", {\"deeper\": \"\\ud800\"}]")]
    public void A_lone_surrogate_escaped_in_an_unknown_property_is_rejected_as_a_lone_surrogate(string value)
    {
        var failure = Assert.Single(Parse(WithUnknownProperty(value)).Failures);
        Assert.Equal(RejectReason.LoneSurrogate, failure.Reason);
    }

    [Fact]
    public void A_lone_surrogate_escaped_in_a_known_string_or_a_property_name_is_rejected_as_a_lone_surrogate()
    {
        Assert.Equal([RejectReason.LoneSurrogate], Reasons(Parse(WithBatteryId("bat-\\ud800"u8))));
        Assert.Equal([RejectReason.LoneSurrogate], Reasons(Parse([.. "{\"\\udc00\":1,"u8, .. Samples.Json(Samples.Message()).AsSpan(1)])));
    }

    [Fact]
    public void Escaped_surrogate_pairs_nul_and_a_backslash_before_u_are_valid_text()
    {
        // "\\ud800" is a backslash and the letters "ud800", not an escape.
        var result = Parse(WithUnknownProperty("[\"\\ud83d\\ude00\", \"\\u0000\", \"\\\\ud800\", \"\\uD834\\uDD1E\"]"));
        Assert.True(result.IsValid, string.Join("; ", result.Failures));
        Assert.True(Parse(WithBatteryId("bat-\\ud83d\\ude00"u8)).IsValid);
    }

    [Fact]
    public void An_integer_longer_than_python_reads_is_out_of_range_even_in_an_unknown_property()
    {
        Assert.True(Parse(WithUnknownProperty(new string('9', PayloadText.MaxNumberLength))).IsValid);

        var failure = Assert.Single(Parse(WithUnknownProperty(new string('9', 5000))).Failures);

        Assert.Equal(RejectReason.OutOfRange, failure.Reason);
        Assert.Contains("5000 characters", failure.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"seq\":1,", "\"seq\":99999999999999999999999,", RejectReason.BadJson)]
    [InlineData("\"seq\":1,", "\"seq\":1e400,", RejectReason.BadJson)]
    [InlineData("\"ambientC\":21.4", "\"ambientC\":1e400", RejectReason.OutOfRange)]
    public void A_number_too_large_for_its_field_is_rejected(string field, string huge, RejectReason reason)
    {
        var json = Samples.Bytes(System.Text.Encoding.UTF8.GetString(Samples.Json(Samples.Message())).Replace(field, huge, StringComparison.Ordinal));
        Assert.Equal([reason], Reasons(Parse(json)));
    }

    [Fact]
    public void Nesting_deeper_than_the_parser_allows_is_rejected_as_bad_json_even_in_an_unknown_property()
    {
        Assert.Equal([RejectReason.BadJson], Reasons(Parse(WithUnknownProperty(new string('[', 1000) + new string(']', 1000)))));
    }

    [Fact]
    public void A_nul_byte_outside_an_escape_is_rejected_as_bad_json()
    {
        Assert.Equal([RejectReason.BadJson], Reasons(Parse(WithBatteryId("bat-\0"u8))));
        Assert.Equal([RejectReason.BadJson], Reasons(Parse([.. Samples.Json(Samples.Message()), 0])));
    }
}
