using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EvSwap.Ledger.DynamoDB;

public static class DynamoDBSwapStoreServiceCollectionExtensions
{
    /// <summary>Swap records in DynamoDB. Call before <c>AddSwapLedger</c>, which otherwise registers the SQLite store.</summary>
    public static IServiceCollection AddDynamoDBSwapStore(this IServiceCollection services, Action<DynamoDBSwapStoreOptions> configure)
    {
        services.AddOptions<DynamoDBSwapStoreOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DynamoDBSwapStoreOptions>, Validator>();
        services.AddSingleton<ISwapStore, DynamoDBSwapStore>();
        return services;
    }

    private sealed class Validator : IValidateOptions<DynamoDBSwapStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, DynamoDBSwapStoreOptions options)
        {
            var errors = options.Validate().ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
