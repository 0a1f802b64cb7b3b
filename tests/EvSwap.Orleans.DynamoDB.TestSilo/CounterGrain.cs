using Orleans;
using Orleans.Runtime;

namespace EvSwap.Orleans.DynamoDB.TestSilo;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one, persists, and says where it ran.</summary>
    Task<CounterReading> Increment();

    Task<CounterReading> Get();
}

[GenerateSerializer]
public sealed record CounterReading([property: Id(0)] int Count, [property: Id(1)] string Silo);

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Count { get; set; }
}

public sealed class CounterGrain(
    [PersistentState("counter", "dynamo")] IPersistentState<CounterState> state,
    ILocalSiloDetails silo) : Grain, ICounterGrain
{
    public async Task<CounterReading> Increment()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return Reading();
    }

    public Task<CounterReading> Get() => Task.FromResult(Reading());

    private CounterReading Reading() => new(state.State.Count, silo.SiloAddress.ToParsableString());
}
