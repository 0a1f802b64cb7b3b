using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EvSwap.Hosting;

/// <summary>
/// The host's one check of its configuration. Every project's <c>Add...</c> method binds its sections through it
/// (<see cref="ConfigurationCheckExtensions.AddCheckedOptions{T}"/>), so each section is validated once, before the
/// host is built: provider choices decide which services exist, so they must be known and valid before DI. Problems are
/// collected so one start lists all of them; <see cref="ThrowIfInvalid"/> reports them, and a host that never calls it
/// still fails at start (this is also its first hosted service).
/// </summary>
public sealed class ConfigurationCheck : IHostedService
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    /// <param name="configure">Settings that come from elsewhere than the section (another section's choice), applied before the check.</param>
    public T Bind<T>(IConfiguration configuration, string section, Action<T>? configure = null) where T : class, new()
    {
        var value = new T();
        try
        {
            configuration.GetSection(section).Bind(value);
        }
        catch (InvalidOperationException ex)
        {
            _errors.Add(ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}");
            return value;
        }

        configure?.Invoke(value);
        Check(value);
        return value;
    }

    /// <summary>Data annotations and <see cref="IValidatableObject"/> of a value built from several sections.</summary>
    public void Check(object value)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
        _errors.AddRange(results.Select(r => r.ErrorMessage ?? "invalid configuration"));
    }

    /// <summary>A problem that spans sections, said as what to fix.</summary>
    public void Fail(string error) => _errors.Add(error);

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new OptionsValidationException("EvSwap", typeof(ConfigurationCheck), _errors.Distinct());
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        ThrowIfInvalid();
        return Task.CompletedTask;
    }

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
