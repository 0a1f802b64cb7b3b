using EvSwap.Hosting;
using Microsoft.Extensions.Options;
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
        var options = builder.Services.AddCheckedOptions<EvSwapDashboardOptions>(builder.Configuration, EvSwapDashboardOptions.Section);
        if (options.Enabled)
        {
            var section = builder.Configuration.GetSection(EvSwapDashboardOptions.Section);
            builder.UseOrleans(silo => silo.AddDashboard(o => section.Bind(o)));
        }

        return builder;
    }

    public static WebApplication MapEvSwapDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EvSwapDashboardOptions>>().Value;
        if (options.Enabled)
        {
            app.MapOrleansDashboard(options.Path).ExcludeFromDescription();
        }

        return app;
    }
}
