using System.Text.Json.Serialization;
using Orleans.Concurrency;

namespace EvSwap.Contracts;

/// <summary>
/// A station's answer on <c>evswap/v1/stations/{id}/command-results</c> (schema <c>evswap.command-result.v1</c>):
/// <c>acknowledged</c> when it took the command, then <c>succeeded</c> or <c>failed</c> with a reason. Either may come
/// alone; repeats are harmless.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CommandResult
{
    public const string SchemaV1 = "evswap.command-result.v1";

    [Id(0)] public string? Schema { get; set; }
    [Id(1)] public string? StationId { get; set; }
    [Id(2)] public string? CommandId { get; set; }
    [Id(3)] public string? Status { get; set; }
    [Id(4)] public string? Reason { get; set; }
    [Id(5)] [JsonRequired] public DateTimeOffset Ts { get; set; }
}
