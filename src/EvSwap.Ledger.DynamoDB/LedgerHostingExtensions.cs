using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvSwap.Ledger.DynamoDB;

public static class LedgerHostingExtensions
{
    /// <summary>
    /// The swap ledger with the store <c>Ledger:Provider</c> names: a SQLite file in the data directory, or DynamoDB (the
    /// <c>DynamoDB</c> section). Call before Orleans: hosted services stop in reverse order, so the writer drains after
    /// the stations flushed.
    /// </summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.Equals(configuration[$"{LedgerOptions.Section}:{nameof(LedgerOptions.Provider)}"], "DynamoDB", StringComparison.OrdinalIgnoreCase))
        {
            services.AddDynamoDBSwapStore(o => configuration.GetSection("DynamoDB").Bind(o));
        }

        return services.AddSwapLedger(configuration);
    }
}
