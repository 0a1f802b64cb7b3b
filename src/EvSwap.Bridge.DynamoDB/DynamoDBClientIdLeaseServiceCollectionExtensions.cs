using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EvSwap.Bridge.DynamoDB;

public static class DynamoDBClientIdLeaseServiceCollectionExtensions
{
    /// <summary>
    /// Client id leases in DynamoDB, shared by every silo of the cluster. Call before <c>AddTelemetryBridge</c>, which
    /// otherwise registers the in-process store. Options bind from the <c>DynamoDB</c> section as they are.
    /// </summary>
    public static IServiceCollection AddDynamoDBClientIdLeases(this IServiceCollection services, Action<DynamoDBClientIdLeaseOptions> configure)
    {
        services.AddOptions<DynamoDBClientIdLeaseOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DynamoDBClientIdLeaseOptions>, Validator>();
        services.AddSingleton<IClientIdLeaseStore, DynamoDBClientIdLeaseStore>();
        return services;
    }

    private sealed class Validator : IValidateOptions<DynamoDBClientIdLeaseOptions>
    {
        public ValidateOptionsResult Validate(string? name, DynamoDBClientIdLeaseOptions options)
        {
            var errors = options.Validate().ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
