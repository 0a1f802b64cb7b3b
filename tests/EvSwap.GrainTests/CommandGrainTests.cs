using EvSwap.Contracts;
using EvSwap.Testing;
using static EvSwap.GrainTests.DownlinkFixture;

namespace EvSwap.GrainTests;

[Collection(DownlinkCollection.Name)]
public class CommandGrainTests(DownlinkFixture fixture)
{
    private static string NewStation() => "st-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<(string Id, IStationDownlinkGrain Downlink)> StationAsync()
    {
        var id = NewStation();
        await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(Envelope(id, 1, [Ready(1, "bat-a"), Charging(2, "bat-b", 40)]));
        return (id, fixture.Grains.GetGrain<IStationDownlinkGrain>(id));
    }

    private static Task<bool> AnswerAsync(IStationDownlinkGrain grain, string stationId, string commandId, string status, string? reason = null) =>
        grain.ReportResult(new CommandResult { Schema = CommandResult.SchemaV1, StationId = stationId, CommandId = commandId, Status = status, Reason = reason, Ts = Clock.GetUtcNow() });

    [Fact]
    public async Task A_command_goes_from_sent_through_acknowledged_to_succeeded_and_records_who_sent_it()
    {
        var (id, grain) = await StationAsync();

        var submission = await grain.SendCommand(new CommandRequest(CommandTypes.SlotMaintenance, 2, "alice", null));

        var command = submission.Command!;
        Assert.Equal((CommandStatus.Sent, "alice", 1), (command.Status, command.SentBy, command.Publishes));
        var published = Assert.Single(DownlinkFixture.Link.PublishedTo(id));
        Assert.Equal((command.CommandId, CommandTypes.SlotMaintenance, 2, command.ExpiresAt), (published.CommandId, published.Type, published.Slot, published.ExpiresAt));

        Assert.True(await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Acknowledged));
        Assert.Equal(CommandStatus.Acknowledged, (await grain.GetCommands()).Single().Status);
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Succeeded));

        var done = (await grain.GetCommands()).Single();
        Assert.Equal(CommandStatus.Succeeded, done.Status);
        Assert.Equal(Clock.GetUtcNow(), done.CompletedAt);
        Assert.NotNull(done.AcknowledgedAt);
    }

    [Fact]
    public async Task A_failed_command_keeps_the_stations_reason_and_later_results_do_not_change_it()
    {
        var (id, grain) = await StationAsync();
        var command = (await grain.SendCommand(new CommandRequest(CommandTypes.ReleaseSlot, 1, "alice", null))).Command!;

        await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Failed, "latch motor fault");
        await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Succeeded);
        await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Acknowledged);

        var failed = (await grain.GetCommands()).Single();
        Assert.Equal((CommandStatus.Failed, "latch motor fault"), (failed.Status, failed.Reason));
    }

    [Fact]
    public async Task A_station_that_never_answers_times_the_command_out_at_its_expiry()
    {
        var (_, grain) = await StationAsync();
        var command = (await grain.SendCommand(new CommandRequest(CommandTypes.RestartCabinet, null, "alice", null))).Command!;
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMinutes(5), command.ExpiresAt);

        Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(CommandStatus.Sent, (await grain.GetCommands()).Single().Status);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var timedOut = (await grain.GetCommands()).Single();
        Assert.Equal(CommandStatus.TimedOut, timedOut.Status);
        Assert.Contains("no final result", timedOut.Reason);
    }

    [Fact]
    public async Task A_result_after_the_timeout_does_not_revive_the_command()
    {
        var (id, grain) = await StationAsync();
        var command = (await grain.SendCommand(new CommandRequest(CommandTypes.RestartCabinet, null, "alice", null))).Command!;
        Clock.Advance(TimeSpan.FromMinutes(6));

        await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Succeeded);

        Assert.Equal(CommandStatus.TimedOut, (await grain.GetCommands()).Single().Status);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_command_and_publishes_once()
    {
        var (id, grain) = await StationAsync();

        var first = await grain.SendCommand(new CommandRequest(CommandTypes.SlotMaintenance, 1, "alice", "op-42"));
        var retry = await grain.SendCommand(new CommandRequest(CommandTypes.SlotMaintenance, 1, "alice", "op-42"));
        var different = await grain.SendCommand(new CommandRequest(CommandTypes.SlotInService, 1, "alice", "op-42"));

        Assert.Equal((true, false), (first.Created, retry.Created));
        Assert.Equal(first.Command!.CommandId, retry.Command!.CommandId);
        Assert.Null(different.Command);
        Assert.Contains("op-42", different.Conflict);
        Assert.Single(DownlinkFixture.Link.PublishedTo(id));
    }

    [Fact]
    public async Task A_command_the_broker_did_not_take_stays_pending_and_is_published_once_the_broker_is_back()
    {
        var (id, grain) = await StationAsync();
        DownlinkFixture.Link.BrokerDown = true;
        try
        {
            var command = (await grain.SendCommand(new CommandRequest(CommandTypes.SlotMaintenance, 1, "alice", null))).Command!;
            Assert.Equal(CommandStatus.Pending, command.Status);
            Assert.Empty(DownlinkFixture.Link.PublishedTo(id));
        }
        finally
        {
            DownlinkFixture.Link.BrokerDown = false;
        }

        // Grain timers run on the silo's TimeProvider, this fake clock: the next downlink tick is due after one interval.
        Clock.Advance(TimeSpan.FromSeconds(1));
        var sent = await Eventually.GetAsync(async () => (await grain.GetCommands()).Single(), c => c.Status == CommandStatus.Sent);
        Assert.Equal(CommandStatus.Sent, sent.Status);
        Assert.Single(DownlinkFixture.Link.PublishedTo(id));
    }

    [Fact]
    public async Task A_result_for_an_unknown_command_is_reported_as_unknown()
    {
        var (id, grain) = await StationAsync();

        Assert.False(await AnswerAsync(grain, id, "cmd-made-up", CommandResultStatuses.Succeeded));
    }

    [Fact]
    public async Task Commands_survive_a_reactivation_with_their_state()
    {
        var (id, grain) = await StationAsync();
        var command = (await grain.SendCommand(new CommandRequest(CommandTypes.SlotMaintenance, 1, "alice", null))).Command!;
        await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Acknowledged);

        await fixture.Grains.GetGrain<IStationGrain>(id).AsReference<global::Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();

        Assert.Equal(CommandStatus.Acknowledged, (await grain.GetCommands()).Single().Status);
        Assert.True(await AnswerAsync(grain, id, command.CommandId, CommandResultStatuses.Succeeded));
        Assert.Equal(CommandStatus.Succeeded, (await grain.GetCommands()).Single().Status);
    }
}
