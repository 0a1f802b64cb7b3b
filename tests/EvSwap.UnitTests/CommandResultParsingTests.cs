using System.Text;
using EvSwap.Bridge;
using EvSwap.Contracts;

namespace EvSwap.UnitTests;

public class CommandResultParsingTests
{
    private const string Topic = "evswap/v1/stations/st-1/command-results";

    private static IReadOnlyList<ValidationFailure> Parse(string topic, string json) =>
        CommandResultIngestor.Parse(topic, Encoding.UTF8.GetBytes(json), out _, out _);

    [Fact]
    public void A_valid_result_parses_with_its_station_from_the_topic()
    {
        var failures = CommandResultIngestor.Parse(Topic,
            """{"schema":"evswap.command-result.v1","stationId":"st-1","commandId":"cmd-1","status":"failed","reason":"door open","ts":"2026-12-01T12:00:00Z"}"""u8.ToArray(),
            out var station, out var result);

        Assert.Empty(failures);
        Assert.Equal(("st-1", "cmd-1", "failed", "door open"), (station, result!.CommandId, result.Status, result.Reason));
    }

    [Theory]
    [InlineData("""{"schema":"evswap.command-result.v2","stationId":"st-1","commandId":"c","status":"succeeded","ts":"2026-12-01T12:00:00Z"}""", RejectReason.UnknownSchema)]
    [InlineData("""{"schema":"evswap.command-result.v1","stationId":"st-2","commandId":"c","status":"succeeded","ts":"2026-12-01T12:00:00Z"}""", RejectReason.StationIdMismatch)]
    [InlineData("""{"schema":"evswap.command-result.v1","stationId":"st-1","status":"succeeded","ts":"2026-12-01T12:00:00Z"}""", RejectReason.MissingField)]
    [InlineData("""{"schema":"evswap.command-result.v1","stationId":"st-1","commandId":"c","status":"done","ts":"2026-12-01T12:00:00Z"}""", RejectReason.OutOfRange)]
    [InlineData("""{"schema":"evswap.command-result.v1","stationId":"st-1","commandId":"c","status":"succeeded"}""", RejectReason.BadJson)]
    [InlineData("""not json""", RejectReason.BadJson)]
    public void An_invalid_result_is_rejected_with_its_reason(string json, RejectReason reason)
    {
        Assert.Contains(Parse(Topic, json), f => f.Reason == reason);
    }

    [Fact]
    public void A_result_on_a_topic_without_a_valid_station_id_is_rejected()
    {
        Assert.Equal(RejectReason.BadTopic, Assert.Single(Parse("evswap/v1/stations/bad id!/command-results", "{}")).Reason);
    }
}
