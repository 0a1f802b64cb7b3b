namespace EvSwap.Contracts;

/// <summary>
/// One per ingest log of a silo that died. Every survivor notices the death and asks for the log; the first one to ask
/// replays it, the others wait for the outcome. A claim whose holder died too is given to the next survivor that asks.
/// </summary>
public interface IIngestLogClaimGrain : IGrainWithStringKey
{
    /// <param name="claimant">The asking silo's log name.</param>
    /// <param name="liveSilos">The log names of the silos the asking silo knows alive.</param>
    Task<LogClaim> Claim(string claimant, IReadOnlyList<string> liveSilos);

    /// <summary>The claimant could not take the log yet (its owner is still stopping): another may ask later.</summary>
    Task Release(string claimant);

    /// <summary>The claimant is done: it replayed the log (<paramref name="crashed"/>: there was one) or found it removed.</summary>
    Task Complete(string claimant, bool crashed);
}

public enum LogClaimState
{
    /// <summary>The caller replays the log now.</summary>
    Granted,

    /// <summary>Another survivor is replaying it.</summary>
    Held,

    /// <summary>Replayed or found removed; see <see cref="LogClaim.Crashed"/>.</summary>
    Done,
}

/// <param name="Crashed">
/// The silo left a log, so it died holding unarchived messages - possibly ones other silos received and handed to it:
/// every survivor replays what its own log still keeps. False after a clean stop (the silo removed its log).
/// </param>
[GenerateSerializer, Immutable]
public sealed record LogClaim([property: Id(0)] LogClaimState State, [property: Id(1)] bool Crashed = false);
