using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EvSwap.Hosting;

public static class ConfigurationCheckExtensions
{
    /// <summary>The host's <see cref="ConfigurationCheck"/>, added by the first project that binds a section.</summary>
    public static ConfigurationCheck ConfigurationCheck(this IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ConfigurationCheck))?.ImplementationInstance is ConfigurationCheck check)
        {
            return check;
        }

        check = new ConfigurationCheck();
        services.AddSingleton(check);
        // First, so a host that never asked for the verdict stops before any other service starts.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(check));
        return check;
    }

    /// <summary>
    /// Binds <paramref name="section"/> as <typeparamref name="T"/> for <see cref="IOptions{T}"/> and checks it once, in
    /// the host's <see cref="ConfigurationCheck"/>. Returns the bound value for choices made while composing.
    /// </summary>
    public static T AddCheckedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Action<T>? configure = null) where T : class, new()
    {
        var value = services.ConfigurationCheck().Bind(configuration, section, configure);
        var options = services.AddOptions<T>().Bind(configuration.GetSection(section));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return value;
    }

    /// <summary>Throws every configuration problem found while composing, as one <see cref="OptionsValidationException"/>.</summary>
    public static void ThrowIfConfigurationInvalid(this IServiceCollection services) => services.ConfigurationCheck().ThrowIfInvalid();
}
