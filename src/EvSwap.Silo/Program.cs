using EvSwap.Silo;
using Microsoft.Extensions.Options;

WebApplication app;
try
{
    app = SiloApp.Build(args);
}
catch (OptionsValidationException ex)
{
    // A configuration mistake is the operator's to fix: say what, without a stack trace.
    Console.Error.WriteLine("EvSwap cannot start; fix the configuration:");
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return 2;
}

await app.RunAsync();
return 0;
