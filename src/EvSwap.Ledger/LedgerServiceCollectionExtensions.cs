using EvSwap.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EvSwap.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>The ledger from the <c>Ledger</c> section. With <c>Ledger:Provider=DynamoDB</c> the host registers the store too (EvSwap.Ledger.DynamoDB).</summary>
    public static IServiceCollection AddSwapLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<LedgerOptions>(configuration, LedgerOptions.Section);
        return services.AddSwapLedgerCore();
    }

    public static IServiceCollection AddSwapLedger(this IServiceCollection services, Action<LedgerOptions> configure)
    {
        services.AddOptions<LedgerOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSwapLedgerCore();
    }

    private static IServiceCollection AddSwapLedgerCore(this IServiceCollection services)
    {
        services.TryAddSingleton<LedgerMetrics>();
        // TryAdd: a host that brings its own store (DynamoDB, a test's failing store) keeps it.
        services.TryAddSingleton<ISwapStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
            return options.Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)
                ? new SqliteSwapStore(options.Path, sp.GetRequiredService<LedgerMetrics>())
                : throw new InvalidOperationException($"Ledger:Provider={options.Provider} needs its store registered (AddDynamoDBSwapStore).");
        });
        services.TryAddSingleton<SwapLedgerWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<SwapLedgerWriter>());
        return services;
    }
}
