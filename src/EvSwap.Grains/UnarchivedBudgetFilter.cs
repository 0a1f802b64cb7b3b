using EvSwap.Archive;
using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// Refuses <see cref="IStationGrain.Ingest"/> on a silo whose <see cref="UnarchivedBudget"/> is exceeded. The bridge
/// checks its own silo's budget before every call, but in a cluster a station's grain may live on another silo: this
/// filter holds that silo to its own bound, whoever calls.
/// </summary>
/// <remarks>
/// Registered only for multi-silo clustering: with one silo the bridge's check sees the same budget, and any incoming
/// filter costs the runtime an invoker object on every grain call.
/// </remarks>
public sealed class UnarchivedBudgetFilter(UnarchivedBudget budget) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (budget.IsExceeded && context.Grain is StationGrain && context.MethodName == nameof(IStationGrain.Ingest))
        {
            throw new UnarchivedBudgetExceededException(
                $"This silo holds {budget.UsedBytes} unarchived bytes (Archive:MaxUnarchivedBytesPerSilo = {budget.LimitBytes}); retry once the archive has caught up.");
        }

        return context.Invoke();
    }
}
