using EvSwap.Ledger;
using EvSwap.Ledger.DynamoDB;

namespace EvSwap.Silo;

/// <summary>The swap ledger's store chosen by <c>Ledger:Provider</c>: a SQLite file in the data directory, or DynamoDB.</summary>
internal static class LedgerHostExtensions
{
    /// <summary>Call before Orleans: hosted services stop in reverse order, so the writer drains after the stations flushed.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services, LedgerOptions ledger, IConfiguration config)
    {
        if (ledger.Provider.Equals("DynamoDB", StringComparison.OrdinalIgnoreCase))
        {
            services.AddDynamoDBSwapStore(o => config.GetSection("DynamoDB").Bind(o));
        }

        return services.AddSwapLedger(config);
    }
}
