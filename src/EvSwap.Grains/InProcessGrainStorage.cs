using System.Collections.Concurrent;
using Orleans.Storage;

namespace EvSwap.Grains;

/// <summary>
/// Where <see cref="InProcessGrainStorage"/> keeps state: one dictionary for the process. A singleton, so silos
/// hosted in one process (a test cluster) share it the way real silos share a table.
/// </summary>
public sealed class InProcessStateStore
{
    internal ConcurrentDictionary<string, (BinaryData State, string ETag)> Items { get; } = new(StringComparer.Ordinal);

    public int Count => Items.Count;
}

/// <summary>
/// Grain state for the local profile, kept in this process with the same optimistic-concurrency contract as the
/// DynamoDB provider (ETag per write, <see cref="InconsistentStateException"/> on a stale one). Orleans' own memory
/// provider keeps state in storage grains instead, which deactivate alongside the station grains when the silo
/// stops, so the stations' last writes fail with placement errors at every Ctrl-C.
/// </summary>
public sealed class InProcessGrainStorage(string name, InProcessStateStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    private long _version;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.Items.TryGetValue(Key(stateName, grainId), out var item))
        {
            GrainStates.Found<T>(grainState, serializer.Deserialize<T>(item.State), item.ETag);
        }
        else
        {
            GrainStates.Absent(grainState);
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var etag = NextETag();
        var item = (serializer.Serialize(grainState.State), etag);
        var stored = grainState.ETag is null
            ? store.Items.TryAdd(key, item)
            : store.Items.TryGetValue(key, out var current) && current.ETag == grainState.ETag && store.Items.TryUpdate(key, item, current);
        if (!stored)
        {
            throw Conflict("write", stateName, grainId, grainState.ETag);
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        if (grainState.ETag is not null)
        {
            if (!store.Items.TryGetValue(key, out var current) || current.ETag != grainState.ETag || !store.Items.TryRemove(KeyValuePair.Create(key, current)))
            {
                throw Conflict("clear", stateName, grainId, grainState.ETag);
            }
        }
        else if (store.Items.ContainsKey(key))
        {
            throw Conflict("clear", stateName, grainId, null);
        }

        GrainStates.Absent(grainState);
        return Task.CompletedTask;
    }

    private string Key(string stateName, GrainId grainId) => $"{name}/{stateName}/{grainId}";

    private string NextETag() => Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? etag) =>
        new($"In-process storage '{name}': {operation} of {stateName} for {grainId} with ETag '{etag ?? "(none)"}' lost to a newer write.", "unknown", etag ?? "");
}
