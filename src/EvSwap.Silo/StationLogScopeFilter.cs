using EvSwap.Contracts;

namespace EvSwap.Silo;

/// <summary>
/// Puts <c>StationId</c> in the logging scope of every call into a station grain, so lines logged on its behalf by
/// the archive, grain storage or Orleans itself say which station they were about.
/// </summary>
internal sealed class StationLogScopeFilter(ILogger<StationLogScopeFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is not IStationGrain)
        {
            await context.Invoke();
            return;
        }

        // One scope state per activation: this runs for every message, and the station id never changes.
        var state = context.TargetContext.GetComponent<StationScopeState>();
        if (state is null)
        {
            state = new StationScopeState([new("StationId", context.TargetId.Key.ToString())]);
            context.TargetContext.SetComponent(state);
        }

        using (logger.BeginScope(state.Properties))
        {
            await context.Invoke();
        }
    }

    private sealed record StationScopeState(KeyValuePair<string, object?>[] Properties);
}
