using EvSwap.Grains;
using EvSwap.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace EvSwap.UnitTests;

/// <summary>What <c>AddBatteries</c> registers beside the battery options: how long an idle battery grain stays in memory.</summary>
public class BatteryRegistrationTests
{
    private static IServiceCollection Registered(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddBatteries(configuration);
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings) => Registered(settings).BuildServiceProvider();

    [Fact]
    public void Idle_battery_grains_are_collected_after_two_minutes_instead_of_orleans_fifteen()
    {
        using var services = Services();

        var collection = services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(2), collection.ClassSpecificCollectionAge[typeof(BatteryGrain).FullName!]);
        Assert.Equal(TimeSpan.FromMinutes(15), collection.CollectionAge);
    }

    [Fact]
    public void The_idle_time_follows_configuration_and_one_within_orleans_collection_quantum_is_refused()
    {
        using var configured = Services(("Ledger:Batteries:IdleAfter", "00:05:00"));
        var tooShort = Registered(("Ledger:Batteries:IdleAfter", "00:00:30"));

        Assert.Equal(TimeSpan.FromMinutes(5), configured.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.ClassSpecificCollectionAge[typeof(BatteryGrain).FullName!]);
        // Checked once while the host is composed, as every other setting.
        var error = Assert.Throws<OptionsValidationException>(tooShort.ThrowIfConfigurationInvalid);
        Assert.Contains("Ledger:Batteries:IdleAfter", error.Message);
    }
}
