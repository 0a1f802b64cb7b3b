using System.Runtime.CompilerServices;
using System.Security.Claims;
using Bunit;
using EvSwap.Api;
using EvSwap.Console.Pages;
using EvSwap.Contracts;
using EvSwap.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace EvSwap.Console.Tests;

/// <summary>The alarm, battery and swap pages rendered by bUnit against fake shards, battery grains and swap store (no silo).</summary>
public sealed class OperationsPageTests : BunitContext
{
    private static readonly DateTimeOffset Now = ConsoleLogicTests.Now;
    private readonly FakeAlarmShard _alarms = new();
    private readonly FakeBatteryIndex _index = new();
    private readonly Dictionary<string, FakeBatteryGrain> _batteries = [];
    private readonly FakeSwapStore _swaps = new();
    private readonly FakeTimeProvider _time = new(Now);

    public OperationsPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(_time);
        var grains = FakeGrainFactory.Create((type, key) =>
            type == typeof(IAlarmShardGrain) ? _alarms
            : type == typeof(IBatteryIndexShardGrain) ? _index
            : type == typeof(IBatteryGrain) ? _batteries[(string)key]
            : throw new InvalidOperationException($"No fake {type.Name}."));
        Services.AddSingleton(grains);
        Services.AddSingleton(new AlarmReader(grains, Options.Create(new FleetOptions { Shards = 1 })));
        Services.AddSingleton(new BatteryReader(grains, Options.Create(new BatteryIndexOptions { IndexShards = 1 })));
        Services.AddSingleton<ISwapStore>(_swaps);
        Services.AddSingleton(Options.Create(new ConsoleOptions()));
        Services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(new RunningHost());
    }

    [Fact]
    public void The_alarms_page_asks_the_shards_with_its_filters_and_acknowledges_as_the_signed_in_operator()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("Alice");
        auth.SetClaims(new Claim("cognito:username", "alice"));
        auth.SetPolicies(ApiSecurity.OperatePolicy);
        _alarms.Items.AddRange([Alarm("st-1", AlertKinds.OverTemperature, AlarmSeverities.Critical, 1), Alarm("st-2", AlertKinds.SlotFault, AlarmSeverities.Major, 2, cleared: true)]);
        var page = RenderInteractive<AlarmsPage>();
        Assert.Equal(2, page.FindAll("#alarm-table tbody tr").Count);
        Assert.Equal("not acknowledged", page.Find("[data-alarm='st-2.slot-fault.2.b1s2'] .alarm-ack").TextContent.Trim());

        page.Find("#alarm-station").Change("st-1");
        page.Find("#alarm-severity").Change(AlarmSeverities.Critical);
        Assert.Equal(("st-1", AlarmSeverities.Critical, null), (_alarms.LastQuery!.StationId, _alarms.LastQuery.Severity, _alarms.LastQuery.State));
        var row = page.Find("[data-alarm='st-1.over-temperature.1.b1s1']");
        Assert.Equal("⚠ active-unacknowledged", row.QuerySelector(".alarm-state")!.TextContent.Trim());

        row.QuerySelector(".alarm-ack button")!.Click();

        Assert.Equal("alice", _alarms.Items.Single(a => a.StationId == "st-1").AcknowledgedBy);
        page.WaitForAssertion(() => Assert.Contains("by alice", page.Find("[data-alarm='st-1.over-temperature.1.b1s1'] .alarm-ack").TextContent));
        Assert.Equal("◐ active-acknowledged", page.Find("[data-alarm='st-1.over-temperature.1.b1s1'] .alarm-state").TextContent.Trim());
    }

    [Fact]
    public void The_alarms_page_shows_an_alarm_raised_while_it_is_open_on_its_next_refresh()
    {
        AddAuthorization().SetAuthorized("bob");
        _alarms.Items.Add(Alarm("st-1", AlertKinds.OverTemperature, AlarmSeverities.Critical, 1));
        var page = RenderInteractive<AlarmsPage>();
        Assert.Single(page.FindAll("#alarm-table tbody tr"));

        _alarms.Items.Add(Alarm("st-3", AlertKinds.Offline, AlarmSeverities.Major, 3));
        _time.Advance(new ConsoleOptions().AlarmRefresh);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#alarm-table tbody tr").Count));
    }

    [Fact]
    public void A_battery_alarm_names_its_battery_and_links_to_it()
    {
        AddAuthorization().SetAuthorized("bob");
        _alarms.Items.Add(Alarm("st-1", AlertKinds.BatterySohLow, AlarmSeverities.Major, 2) with { BatteryId = "bat-worn" });

        var page = RenderInteractive<AlarmsPage>();

        var link = page.Find("#alarm-table tbody a[href='console/batteries/bat-worn']");
        Assert.Equal("bat-worn", link.TextContent.Trim());
    }

    [Fact]
    public void A_reader_without_the_operate_right_gets_no_acknowledge_button()
    {
        AddAuthorization().SetAuthorized("bob");
        _alarms.Items.Add(Alarm("st-1", AlertKinds.OverTemperature, AlarmSeverities.Critical, 1));

        var page = RenderInteractive<AlarmsPage>();

        Assert.Empty(page.FindAll("#alarm-table button"));
        Assert.Equal("not acknowledged", page.Find(".alarm-ack").TextContent.Trim());
    }

    [Fact]
    public void The_battery_list_passes_its_filters_to_the_index_and_refuses_a_bad_soh()
    {
        _index.Items.Add(new BatterySummary("bat-1", new BatteryCustody(BatteryStatuses.WithRider, "st-1", null, Now), 81.5, [BatteryAnomalyKinds.PossiblyLost], Now));
        var page = Render<BatteriesPage>();
        var cells = page.FindAll("#battery-table tbody td");
        Assert.Equal(("bat-1", "➜ with-rider", "81.5 %", "⚠ possibly-lost"), (cells[0].TextContent, cells[1].TextContent.Trim(), cells[4].TextContent, cells[5].TextContent.Trim()));

        page.Find("#battery-status").Change(BatteryStatuses.WithRider);
        page.Find("#battery-soh").Change("90");
        Assert.Equal((BatteryStatuses.WithRider, 90.0), (_index.LastQuery!.Status, _index.LastQuery.SohBelow));

        page.Find("#battery-soh").Change("150");
        Assert.Contains("from 0 to 100", page.Find("#battery-error").TextContent);
    }

    [Fact]
    public void A_battery_shows_its_custody_chain_newest_first_its_soh_per_day_every_history_page_and_anomalies()
    {
        _index.Items.Add(new BatterySummary("bat-7", new BatteryCustody(BatteryStatuses.InStation, "st-2", 3, Now), 90, [], Now));
        List<BatteryHistoryEntry> history =
        [
            Entry(Now.AddHours(-30), BatteryEventKinds.Docked, "st-1", 1),
            .. Enumerable.Range(0, 600).Select(i => Entry(Now.AddHours(-29).AddSeconds(i), BatteryEventKinds.Reading, "st-1", 1)),
            Entry(Now.AddHours(-2), BatteryEventKinds.SwappedOut, "st-1", 1),
            Entry(Now.AddHours(-1), BatteryEventKinds.Docked, "st-2", 3),
        ];
        var view = new BatteryView("bat-7", new BatteryCustody(BatteryStatuses.InStation, "st-2", 3, Now.AddHours(-1)), null, 48, Now.AddHours(-5),
            new Dictionary<string, double> { [BatteryStatuses.InStation] = 7200 },
            [new SohDay(DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1), 91), new SohDay(DateOnly.FromDateTime(Now.UtcDateTime), 90)],
            [new BatteryAnomaly(BatteryAnomalyKinds.SohFastFade, Now.AddHours(-3), "SoH 90 % is 5 points under the median of its cycles")], 603, 0);
        _batteries["bat-7"] = new FakeBatteryGrain(view, history);

        var page = Render<BatteryDetailPage>(p => p.Add(c => c.Id, "bat-7"));

        var custody = page.FindAll("#custody-table tbody tr").Select(r => r.QuerySelectorAll("td")[1].TextContent).ToList();
        Assert.Equal(["▣ docked", "➜ swapped-out", "▣ docked"], custody);
        Assert.Equal("▣ in-station", page.Find("#battery-custody").TextContent.Trim());
        Assert.Contains("2 points from 2026-11-23 to 2026-11-24", page.Find("#chart-soh .chart-summary").TextContent);
        Assert.Contains("603 points", page.Find("#chart-battery-temp .chart-summary").TextContent);
        Assert.Contains("soh-fast-fade", page.Find("#battery-anomalies").TextContent);
    }

    [Fact]
    public void An_unknown_battery_is_not_asked_of_a_battery_grain()
    {
        var page = Render<BatteryDetailPage>(p => p.Add(c => c.Id, "bat-nobody"));

        Assert.Contains("No station has reported battery bat-nobody", page.Find("#battery-unknown").TextContent);
        Assert.Empty(_batteries);
    }

    [Fact]
    public void The_swaps_page_shows_the_last_day_filters_by_station_and_its_csv_link_carries_the_same_filters()
    {
        _swaps.Records.AddRange([Swap("st-1", Now.AddHours(-1)), Swap("st-2", Now.AddHours(-2)), Swap("st-1", Now.AddDays(-3))]);
        var page = Render<SwapsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#swap-table tbody tr").Count));

        page.Find("#swap-station").Change("st-1");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#swap-table tbody tr")));
        Assert.Contains("slot 2, bat-in-st-1, 10 %", page.Find("#swap-table tbody tr").TextContent);
        Assert.Equal("console/swaps.csv?station=st-1&from=2026-11-23T18%3A01%3A00Z&to=2026-11-24T18%3A01%3A00Z", page.Find("#swap-csv").GetAttribute("href"));

        page.Find("#swap-from").Change("2026-11-20T00:00:00");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#swap-table tbody tr").Count));
        page.Find("#swap-from").Change("2026-06-01T00:00:00");
        page.WaitForAssertion(() => Assert.Contains("at most 92 days", page.Find("#swap-error").TextContent));
    }

    /// <summary>Interactive, as in the silo (the alarms page refreshes only then); after the test's own services.</summary>
    private IRenderedComponent<T> RenderInteractive<T>()
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        return Render<T>();
    }

    private static Alarm Alarm(string station, string kind, string severity, int slot, bool cleared = false) =>
        new($"{station}.{kind}.{slot}.b1s{slot}", station, slot, kind, severity, null, $"slot {slot}", Now.AddMinutes(-slot), cleared ? Now : null, null, null, null, []);

    private static BatteryHistoryEntry Entry(DateTimeOffset at, string kind, string station, int slot) =>
        new(at, kind, station, slot, $"{station}:1:{at.ToUnixTimeSeconds()}:{slot}", 50, 90, 100, 30);

    private static SwapRecord Swap(string station, DateTimeOffset at) =>
        new(SwapRecord.IdOf(station, 1, at.ToUnixTimeSeconds(), 0), station, at, 1, at.ToUnixTimeSeconds(), 0, 2, $"bat-in-{station}", 10, 5, $"bat-out-{station}", 95, 50.4);

    private sealed class FakeBatteryIndex : IBatteryIndexShardGrain
    {
        public List<BatterySummary> Items { get; } = [];
        public BatteryQuery? LastQuery { get; private set; }

        public Task<bool> Contains(string batteryId) => Task.FromResult(Items.Any(i => i.BatteryId == batteryId));

        public Task<BatteryPage> List(BatteryQuery query)
        {
            LastQuery = query;
            return Task.FromResult(new BatteryPage([.. Items.Where(i => query.Status is null || i.Custody.Status == query.Status)], false));
        }

        public Task<UpsertAnswer> Upsert(BatterySummary summary, BatteryEvent? settled) => throw new NotSupportedException();

        public Task<DockingAnswer> Dock(IReadOnlyList<BatteryEvent> dockings) => throw new NotSupportedException();

        public Task Stored(long write) => throw new NotSupportedException();

        public Task<BatteryEvent?> DockingOf(string batteryId) => throw new NotSupportedException();
    }

    private sealed class FakeBatteryGrain(BatteryView view, List<BatteryHistoryEntry> history) : IBatteryGrain
    {
        public Task<BatteryView?> GetView() => Task.FromResult<BatteryView?>(view);

        /// <summary>Positions are indexes here: enough to prove the page follows Next to the end.</summary>
        public Task<BatteryHistoryPage> GetHistory(string? after, int limit)
        {
            var start = after is null ? 0 : int.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
            var items = history.Skip(start).Take(limit).ToList();
            var next = start + items.Count < history.Count ? (start + items.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new BatteryHistoryPage(items, next, 0));
        }

        public Task Apply(IReadOnlyList<BatteryEvent> events) => throw new NotSupportedException();
        public Task<BatteryPassport?> GetPassport() => throw new NotSupportedException();
    }

    private sealed class FakeSwapStore : ISwapStore
    {
        public List<SwapRecord> Records { get; } = [];

        public Task WriteAsync(IReadOnlyList<SwapRecord> records, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async IAsyncEnumerable<SwapRecord> QueryAsync(SwapQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var r in Records.Where(query.Matches).OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                await Task.Yield();
                yield return r;
            }
        }
    }
}
