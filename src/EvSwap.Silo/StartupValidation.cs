using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EvSwap.Silo;

/// <summary>
/// Binds and validates a configuration section before the host is built. Provider choices decide which services
/// exist, so they must be known and valid before DI; every problem is collected so one start lists all of them.
/// </summary>
internal sealed class StartupValidation(IConfiguration configuration)
{
    private readonly List<string> _errors = [];

    public T Bind<T>(string section) where T : class, new()
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

        Check(value);
        return value;
    }

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
            throw new OptionsValidationException("EvSwap", typeof(StartupValidation), _errors.Distinct());
        }
    }
}
