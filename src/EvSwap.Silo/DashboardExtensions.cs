using Orleans.Dashboard;

namespace EvSwap.Silo;

/// <summary>
/// The Orleans dashboard (grains, silos, call rates) at <c>Dashboard:Path</c>. It has no authentication of its own: in
/// <c>Auth:Mode=Jwt</c> the API's fallback policy covers it like every endpoint not marked public.
/// </summary>
public static class DashboardExtensions
{
    public static WebApplicationBuilder AddEvSwapDashboard(this WebApplicationBuilder builder)
    {
        var validation = new StartupValidation(builder.Configuration);
        var options = validation.Bind<EvSwapDashboardOptions>(EvSwapDashboardOptions.Section);
        validation.ThrowIfInvalid();
        if (options.Enabled)
        {
            var section = builder.Configuration.GetSection(EvSwapDashboardOptions.Section);
            builder.UseOrleans(silo => silo.AddDashboard(o => section.Bind(o)));
        }

        return builder;
    }

    public static WebApplication MapEvSwapDashboard(this WebApplication app)
    {
        var options = app.Configuration.GetSection(EvSwapDashboardOptions.Section).Get<EvSwapDashboardOptions>() ?? new();
        if (options.Enabled)
        {
            app.MapOrleansDashboard(options.Path).ExcludeFromDescription();
        }

        return app;
    }
}
