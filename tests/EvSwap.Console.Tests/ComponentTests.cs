using Bunit;
using EvSwap.Console.Components;
using EvSwap.Console.Pages;
using EvSwap.Contracts;
using EvSwap.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace EvSwap.Console.Tests;

/// <summary>The console's components rendered by bUnit, fed a fleet mirror directly (no silo).</summary>
public sealed class ComponentTests : BunitContext
{
    private readonly FleetMirror _fleet = new(null!, Options.Create(new FleetOptions()), NullLogger<FleetMirror>.Instance);

    private readonly FakeTimeProvider _time = new(ConsoleLogicTests.Now);

    public ComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_fleet);
        Services.AddSingleton(Options.Create(new StationOptions()));
        Services.AddSingleton(Options.Create(new ConsoleOptions()));
        Services.AddSingleton<TimeProvider>(_time);
    }

    [Fact]
    public void The_overview_shows_the_fleet_figures_and_updates_when_the_index_pushes_a_change()
    {
        _fleet.Apply([ConsoleLogicTests.Summary("a", 4, swapsToday: 2), ConsoleLogicTests.Summary("b", 1)]);
        var page = Render<FleetOverviewPage>();
        Assert.Equal("5", page.Find("#figure-available").TextContent);
        Assert.Equal("b", page.Find("#running-out tbody td").TextContent);

        _fleet.Apply([ConsoleLogicTests.Summary("c", 6, swapsToday: 5)]);
        // The page refreshes a moment after the push, by which time the derivation it rendered has aged out.
        _time.Advance(FleetMirror.SharedFor);

        page.WaitForAssertion(() => Assert.Equal("11", page.Find("#figure-available").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal("7", page.Find("#figure-swaps").TextContent);
        Assert.Equal("3", page.Find("#figure-stations").TextContent);
    }

    [Fact]
    public async Task A_page_does_not_render_again_while_the_fleet_derivation_it_shows_is_still_the_shared_one()
    {
        _fleet.Apply([ConsoleLogicTests.Summary("a", 4)]);
        var page = Render<FleetOverviewPage>();
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var indicator = Render<LiveIndicator>();
        var (pageRenders, indicatorRenders) = (page.RenderCount, indicator.RenderCount);

        // Many index pushes, no time passing: the page's refresh finds the derivation it already shows.
        for (var i = 0; i < 20; i++)
        {
            _fleet.Apply([ConsoleLogicTests.Summary("a", 4 + i % 2)]);
        }

        await Task.Delay(FleetPageBase.RefreshDelay * 3);
        Assert.Equal(pageRenders, page.RenderCount);
        Assert.Equal(indicatorRenders, indicator.RenderCount);

        // Once the shared derivation has aged out, the next push renders the change.
        _time.Advance(FleetMirror.SharedFor);
        _fleet.Apply([ConsoleLogicTests.Summary("a", 8)]);
        page.WaitForAssertion(() => Assert.Equal("8", page.Find("#figure-available").TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_fleet_table_filters_by_search_and_sorts_by_a_column_header()
    {
        _fleet.Apply(Enumerable.Range(0, 40).Select(i => ConsoleLogicTests.Summary($"st-{i:D2}", i % 5)));
        var page = Render<FleetTablePage>();
        Assert.Equal(25, page.FindAll("#fleet-table tbody tr").Count);

        page.Find("#fleet-search").Input("st-1");
        page.FindAll(".sort-button")[2].Click();
        page.FindAll(".sort-button")[2].Click();

        var rows = page.FindAll("#fleet-table tbody tr");
        Assert.Equal(10, rows.Count);
        Assert.Equal("st-14", rows[0].QuerySelector("td")!.TextContent);
        Assert.Equal("descending", page.FindAll("#fleet-table th")[2].GetAttribute("aria-sort"));
        Assert.Contains("10 stations match", page.Find("#fleet-count").TextContent);
    }

    [Fact]
    public void Each_slot_says_its_state_in_words_with_soc_temperature_and_battery()
    {
        var grid = Render<SlotGrid>(p => p.Add(c => c.Slots,
        [
            new SlotReading { Slot = 1, State = SlotStates.Fault, BatteryId = "bat-9", SocPct = 12.5, TempC = 61 },
            new SlotReading { Slot = 2, State = SlotStates.Empty },
        ]));

        var fault = grid.Find("#slot-1");
        Assert.Contains("slot-fault", fault.ClassList);
        Assert.Contains("fault", fault.QuerySelector(".slot-state")!.TextContent);
        Assert.Equal(("12.5\u00a0%", "61\u00a0°C", "bat-9"), (fault.QuerySelector(".slot-soc")!.TextContent, fault.QuerySelector(".slot-temp")!.TextContent, fault.QuerySelector(".slot-battery")!.TextContent));
        Assert.Equal("No battery", grid.Find("#slot-2 .slot-empty").TextContent);
    }

    [Fact]
    public void A_chart_of_a_single_reading_draws_it_as_a_marker_since_one_point_makes_no_line()
    {
        var one = Render<TrendChart>(p => p.Add(c => c.Id, "soh").Add(c => c.Title, "SoH").Add(c => c.Points, [("2026-11-24", 97.5)]));
        var two = Render<TrendChart>(p => p.Add(c => c.Id, "soh").Add(c => c.Title, "SoH").Add(c => c.Points, [("2026-11-23", 97.6), ("2026-11-24", 97.5)]));

        // Every point also has an invisible hover target (opacity 0); a marker is a circle that shows.
        static int Markers(IRenderedComponent<TrendChart> chart) => chart.FindAll("svg circle").Count(c => c.GetAttribute("opacity") != "0");
        Assert.Equal(1, Markers(one));
        Assert.Equal(0, Markers(two));
        Assert.Contains("1 point from 2026-11-24", one.Find(".chart-summary").TextContent);
    }

    [Fact]
    public void The_menu_lists_every_console_page_from_its_attribute()
    {
        Assert.Equal(["Fleet overview", "Fleet table", "Alarms", "Batteries", "Swaps", "Cost"], EvSwap.Console.Components.Layout.NavMenu.Pages.Select(p => p.Title));
        Assert.Equal(["/", "/console/fleet", "/console/alarms", "/console/batteries", "/console/swaps", "/console/cost"], EvSwap.Console.Components.Layout.NavMenu.Pages.Select(p => p.Href));
    }
}
