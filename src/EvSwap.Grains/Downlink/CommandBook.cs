using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// The command lifecycle of one station, free of Orleans and of I/O so it is tested directly with any clock:
/// Pending until the broker took the command, Sent, Acknowledged, then Succeeded or Failed with the station's reason,
/// or TimedOut at its expiry. A final state never changes again, so redelivered results are no-ops.
/// </summary>
public sealed class CommandBook(List<CommandRecord> commands, int maxRetained)
{
    public IReadOnlyList<CommandRecord> All => commands;

    public CommandRecord? Find(string id) => commands.Find(c => c.Id == id);

    public CommandRecord? FindByKey(string? idempotencyKey) =>
        idempotencyKey is null ? null : commands.Find(c => c.IdempotencyKey == idempotencyKey && c.ReservationId is null);

    public bool HasOpen => commands.Exists(c => !c.IsFinal);

    public CommandRecord Create(string type, int? slot, string sentBy, string? idempotencyKey, DateTimeOffset now, TimeSpan timeout,
        string? reservationId = null, string? batteryId = null, DateTimeOffset? holdUntil = null)
    {
        var record = new CommandRecord
        {
            Id = "cmd-" + Guid.NewGuid().ToString("N")[..20],
            Type = type,
            Slot = slot,
            SentBy = sentBy,
            IdempotencyKey = idempotencyKey,
            Status = CommandStatus.Pending,
            CreatedAt = now,
            ExpiresAt = now + timeout,
            ReservationId = reservationId,
            BatteryId = batteryId,
            HoldUntil = holdUntil,
        };
        commands.Add(record);
        Trim();
        return record;
    }

    /// <summary>Commands the broker has not taken yet and that have not expired: to publish (again).</summary>
    public IEnumerable<CommandRecord> Unsent(DateTimeOffset now) => commands.Where(c => c.Status == CommandStatus.Pending && now < c.ExpiresAt);

    /// <summary>The broker took the command; true when that moved it out of Pending.</summary>
    public static bool MarkPublished(CommandRecord command, DateTimeOffset now)
    {
        command.Publishes++;
        if (command.Status != CommandStatus.Pending)
        {
            return false;
        }

        command.Status = CommandStatus.Sent;
        command.SentAt = now;
        return true;
    }

    /// <summary>Applies a station's result; returns the command when it changed, null when it was unknown or already final.</summary>
    public CommandRecord? Apply(CommandResult result, DateTimeOffset now)
    {
        if (result.CommandId is not { } id || Find(id) is not { } command || command.IsFinal)
        {
            return null;
        }

        switch (result.Status)
        {
            case CommandResultStatuses.Acknowledged when command.Status is CommandStatus.Pending or CommandStatus.Sent:
                // A station may answer before the broker's PUBACK reached us: it has the command, so it was sent.
                command.SentAt ??= now;
                command.AcknowledgedAt = now;
                command.Status = CommandStatus.Acknowledged;
                return command;
            case CommandResultStatuses.Succeeded:
                Finish(command, CommandStatus.Succeeded, result.Reason, now);
                return command;
            case CommandResultStatuses.Failed:
                Finish(command, CommandStatus.Failed, result.Reason ?? "the station gave no reason", now);
                return command;
            default:
                return null;
        }
    }

    /// <summary>Times out every open command past its expiry; returns those it timed out.</summary>
    public List<CommandRecord> Expire(DateTimeOffset now)
    {
        List<CommandRecord> expired = [];
        foreach (var command in commands)
        {
            if (!command.IsFinal && now >= command.ExpiresAt)
            {
                Finish(command, CommandStatus.TimedOut,
                    command.Status == CommandStatus.Pending ? "the broker never took the command" : "no final result from the station before expiresAt", now);
                expired.Add(command);
            }
        }

        return expired;
    }

    private static void Finish(CommandRecord command, CommandStatus status, string? reason, DateTimeOffset now)
    {
        command.SentAt ??= status == CommandStatus.TimedOut ? null : now;
        command.Status = status;
        command.Reason = reason;
        command.CompletedAt = now;
    }

    /// <summary>Drops the oldest finished commands past the bound; open ones are always kept.</summary>
    private void Trim()
    {
        for (var i = 0; commands.Count > maxRetained && i < commands.Count;)
        {
            if (commands[i].IsFinal)
            {
                commands.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }
    }
}
