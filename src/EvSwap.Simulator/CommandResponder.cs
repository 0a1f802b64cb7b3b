using System.Collections.Concurrent;
using System.Text.Json;
using EvSwap.Contracts;
using MQTTnet;
using MQTTnet.Protocol;

namespace EvSwap.Simulator;

/// <summary>
/// The simulated stations' downlink (<c>--downlink</c>): each station subscribes to its command topic on its home
/// connection; what arrives is carried out by the station in the scheduler loop, between its steps, and answered on
/// its command-results topic, except that at <c>--command-failures</c> a command fails without being carried out and
/// at <c>--command-silence</c> it gets no answer at all.
/// </summary>
public sealed class CommandResponder(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<StationCommand>> _inbox = new(StringComparer.Ordinal);
    private readonly Random _random = new(unchecked(options.Seed * 7919 + 17));
    private long _received;
    private long _answered;
    private long _failed;
    private long _silent;

    /// <summary>What each station did with each reservation's hold: held, refused or silent.</summary>
    public ConcurrentDictionary<string, string> Holds { get; } = new(StringComparer.Ordinal);

    public long Received => Interlocked.Read(ref _received);
    public long Answered => Interlocked.Read(ref _answered);
    public long Failed => Interlocked.Read(ref _failed);
    public long Silent => Interlocked.Read(ref _silent);

    public async Task SubscribeAsync(IMqttClient client, IEnumerable<string> stationIds, CancellationToken cancellationToken)
    {
        client.ApplicationMessageReceivedAsync += e =>
        {
            var command = JsonSerializer.Deserialize(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), DownlinkJsonContext.Default.StationCommand);
            if (command is not null)
            {
                Interlocked.Increment(ref _received);
                _inbox.GetOrAdd(command.StationId, _ => new()).Enqueue(command);
            }

            return Task.CompletedTask;
        };

        foreach (var chunk in stationIds.Chunk(8))
        {
            // IoT Core takes at most 8 filters per SUBSCRIBE.
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var id in chunk)
            {
                subscribe.WithTopicFilter(f => f.WithTopic(CommandTopic.CommandsFor(id)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
            }

            await client.SubscribeAsync(subscribe.Build(), cancellationToken);
        }
    }

    /// <summary>Carries out and answers what arrived for this station since its last step.</summary>
    public async Task ServeAsync(SimulatedStation station, IMqttClient client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!_inbox.TryGetValue(station.Id, out var queue))
        {
            return;
        }

        while (queue.TryDequeue(out var command))
        {
            var draw = _random.NextDouble();
            (string Status, string? Reason) answer;
            if (draw < options.CommandSilence)
            {
                Interlocked.Increment(ref _silent);
                Note(command, "silent");
                continue;
            }

            if (draw < options.CommandSilence + options.CommandFailures)
            {
                Interlocked.Increment(ref _failed);
                answer = (CommandResultStatuses.Failed, "simulated failure");
            }
            else
            {
                answer = station.Handle(command, now);
            }

            Note(command, answer.Status == CommandResultStatuses.Succeeded ? "held" : "refused");
            var result = new CommandResult { Schema = CommandResult.SchemaV1, StationId = station.Id, CommandId = command.CommandId, Status = answer.Status, Reason = answer.Reason, Ts = now };
            await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(CommandTopic.ResultsFor(station.Id))
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(result, DownlinkJsonContext.Default.CommandResult))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), cancellationToken);
            Interlocked.Increment(ref _answered);
        }
    }

    private void Note(StationCommand command, string what)
    {
        if (command.Type == CommandTypes.ReserveSlot && command.ReservationId is { } id)
        {
            Holds.TryAdd(id, what);
        }
    }
}
