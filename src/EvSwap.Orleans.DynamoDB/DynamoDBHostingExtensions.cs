using EvSwap.Orleans.DynamoDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Orleans.Hosting;

/// <summary>
/// Registration of the DynamoDB providers. Options bind from the <c>DynamoDB</c> configuration section as is:
/// <c>options => configuration.GetSection("DynamoDB").Bind(options)</c>.
/// </summary>
public static class DynamoDBHostingExtensions
{
    /// <summary>Silo: DynamoDB membership table (the silo finds and joins its cluster through it).</summary>
    public static ISiloBuilder UseDynamoDBClustering(this ISiloBuilder builder, Action<DynamoDBClusteringOptions> configure)
    {
        builder.Services.AddDynamoDBClusteringOptions(configure);
        builder.Services.AddSingleton<IMembershipTable, DynamoDBMembershipTable>();
        return builder;
    }

    /// <summary>External client: gateways found in the DynamoDB membership table.</summary>
    public static IClientBuilder UseDynamoDBClustering(this IClientBuilder builder, Action<DynamoDBClusteringOptions> configure)
    {
        builder.Services.AddDynamoDBClusteringOptions(configure);
        builder.Services.AddSingleton<IGatewayListProvider, DynamoDBGatewayListProvider>();
        return builder;
    }

    /// <summary>Silo: a named DynamoDB grain storage (use <c>"Default"</c> for grains that name no provider).</summary>
    public static ISiloBuilder AddDynamoDBGrainStorage(this ISiloBuilder builder, string name, Action<DynamoDBGrainStorageOptions> configure)
    {
        builder.Services.AddDynamoDBGrainStorage(name, configure);
        return builder;
    }

    /// <summary>Silo: DynamoDB grain storage as the default provider.</summary>
    public static ISiloBuilder AddDynamoDBGrainStorageAsDefault(this ISiloBuilder builder, Action<DynamoDBGrainStorageOptions> configure) =>
        builder.AddDynamoDBGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static IServiceCollection AddDynamoDBGrainStorage(this IServiceCollection services, string name, Action<DynamoDBGrainStorageOptions> configure)
    {
        services.AddOptions<DynamoDBGrainStorageOptions>(name).Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DynamoDBGrainStorageOptions>>(new Validator<DynamoDBGrainStorageOptions>(name, o => o.Validate()));
        return services.AddGrainStorage(name, DynamoDBGrainStorage.Create);
    }

    private static void AddDynamoDBClusteringOptions(this IServiceCollection services, Action<DynamoDBClusteringOptions> configure)
    {
        services.AddOptions<DynamoDBClusteringOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DynamoDBClusteringOptions>>(new Validator<DynamoDBClusteringOptions>(Options.DefaultName, o => o.Validate()));
    }

    /// <summary>Turns the options' own checks into a startup failure listing every problem at once.</summary>
    private sealed class Validator<T>(string name, Func<T, IEnumerable<string>> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            var errors = validate(options).ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
