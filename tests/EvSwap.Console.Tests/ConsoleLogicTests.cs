using EvSwap.Contracts;

namespace EvSwap.Console.Tests;

/// <summary>What the fleet pages compute from index summaries, and the cost page's formula against docs/cost.md.</summary>
public class ConsoleLogicTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan OfflineAfter = TimeSpan.FromSeconds(15);

    internal static StationSummary Summary(string id, int available, double secondsAgo = 1, long swapsToday = 0, DateOnly? swapsDay = null, params Alert[] alerts) =>
        new(id, Now.AddSeconds(-secondsAgo), new Dictionary<string, int> { [SlotStates.Ready] = available, [SlotStates.Charging] = 2, [SlotStates.Empty] = 1 }, available, alerts, 1, 1)
        {
            SwapsToday = swapsToday,
            SwapsDay = swapsDay ?? DateOnly.FromDateTime(Now.UtcDateTime),
        };

    [Fact]
    public void The_overview_counts_online_offline_alerting_charged_and_todays_swaps_only()
    {
        var hot = new Alert(AlertKinds.OverTemperature, 2, null, Now.AddMinutes(-1), "slot 2 hot");
        StationSummary[] fleet =
        [
            Summary("a", available: 5, swapsToday: 3),
            Summary("b", available: 1, swapsToday: 2, alerts: hot),
            Summary("c", available: 7, secondsAgo: 60, swapsToday: 4),
            Summary("d", available: 0, swapsToday: 9, swapsDay: DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1)),
        ];

        var overview = FleetOverview.Compute(fleet, Now, OfflineAfter, lowAvailability: 1);

        // c is offline (its batteries are not available to anyone) and alerts as offline; d's swaps were yesterday.
        Assert.Equal((4, 3, 1, 2, 6, 9L), (overview.Stations, overview.Online, overview.Offline, overview.Alerting, overview.AvailableCharged, overview.SwapsToday));
        Assert.Equal(["d", "b"], overview.RunningOut.Select(r => r.StationId));
        Assert.Equal(2, overview.Alerts.Count);
        Assert.Contains(overview.Alerts, a => a.StationId == "c" && a.Alert.Kind == AlertKinds.Offline);
    }

    [Fact]
    public void The_overview_keeps_the_first_rows_of_each_list_in_order_and_counts_them_all()
    {
        var random = new Random(7);
        var fleet = Enumerable.Range(0, 500).Select(i => Summary($"st-{i:D3}", available: random.Next(0, 9), secondsAgo: i % 7 == 0 ? 100 : 1,
            alerts: i % 3 == 0 ? [new Alert(AlertKinds.OverTemperature, 1, null, Now.AddSeconds(-random.Next(0, 50)), "hot")] : [])).ToList();
        var rows = fleet.Select(s => StationRow.Of(s, Now, OfflineAfter)).ToList();

        var overview = FleetOverview.Compute(fleet, Now, OfflineAfter, lowAvailability: 2);

        var low = rows.Where(r => r.Online && r.AvailableCharged <= 2).OrderBy(r => r.AvailableCharged).ThenBy(r => r.StationId, StringComparer.Ordinal).ToList();
        Assert.Equal(low.Count, overview.RunningOutCount);
        Assert.Equal(low.Take(FleetOverview.Shown).Select(r => r.StationId), overview.RunningOut.Select(r => r.StationId));
        var most = rows.Where(r => r.Online).OrderByDescending(r => r.AvailableCharged).ThenBy(r => r.StationId, StringComparer.Ordinal);
        Assert.Equal(most.Take(FleetOverview.ShownMostAvailable).Select(r => r.StationId), overview.MostAvailable.Select(r => r.StationId));
        // Offline stations alert as offline too, beside their over-temperature alert.
        var alerts = fleet.SelectMany(s => EvSwap.Grains.StationModel.ActiveAlerts(s.Alerts, s.LastSeen, Now, OfflineAfter).Select(a => new FleetAlert(s.StationId, a)))
            .OrderByDescending(a => a.Alert.Since).ThenBy(a => a.StationId, StringComparer.Ordinal).ToList();
        Assert.Equal(alerts.Count, overview.AlertCount);
        Assert.Equal(alerts.Take(FleetOverview.ShownAlerts), overview.Alerts);
    }

    [Fact]
    public void Top_k_keeps_the_first_items_whatever_order_they_arrive_in_and_none_when_k_is_zero()
    {
        var numbers = Enumerable.Range(0, 1_000).OrderBy(i => (i * 7_919) % 1_009).ToList();
        var top = new TopK<int>(5, Comparer<int>.Default);
        var none = new TopK<int>(0, Comparer<int>.Default);
        numbers.ForEach(top.Add);
        numbers.ForEach(none.Add);

        Assert.Equal([0, 1, 2, 3, 4], top.ToList());
        Assert.Equal(1_000, top.Offered);
        Assert.Empty(none.ToList());
    }

    [Fact]
    public void The_fleet_table_searches_filters_sorts_and_pages()
    {
        var rows = Enumerable.Range(0, 60).Select(i => StationRow.Of(Summary($"st-{i:D3}", available: i % 4, secondsAgo: i % 10 == 0 ? 100 : 1), Now, OfflineAfter)).ToList();

        var (searched, searchTotal) = new FleetTableQuery(Search: "ST-01").Apply(rows, 1);
        var (page, total) = new FleetTableQuery(Status: "Online", Availability: FleetTableQuery.NoneAvailable, SortBy: nameof(StationRow.StationId), Descending: true, Page: 1, PageSize: 5).Apply(rows, 1);

        Assert.Equal(10, searchTotal);
        Assert.All(searched, r => Assert.StartsWith("st-01", r.StationId));
        // available 0 means i % 4 == 0; online excludes i % 10 == 0: 4, 8, 12, 16, 24, 28, 32, 36, 44, 48, 52, 56.
        Assert.Equal(12, total);
        Assert.Equal(["st-032", "st-028", "st-024", "st-016", "st-012"], page.Select(r => r.StationId));
    }

    [Theory]
    [InlineData(nameof(StationRow.StationId))]
    [InlineData(nameof(StationRow.Status))]
    [InlineData(nameof(StationRow.AvailableCharged))]
    [InlineData(nameof(StationRow.LastSeen))]
    [InlineData(nameof(StationRow.ActiveAlerts))]
    [InlineData(nameof(StationRow.SwapsToday))]
    public void Every_page_of_the_fleet_table_is_the_same_slice_a_full_sort_gives(string sortBy)
    {
        var random = new Random(sortBy.Length);
        var hot = new Alert(AlertKinds.OverTemperature, 2, null, Now.AddMinutes(-1), "hot");
        var rows = Enumerable.Range(0, 230).Select(i => StationRow.Of(
            Summary($"st-{random.Next(100_000):D5}-{i}", available: random.Next(0, 5), secondsAgo: random.Next(0, 30), swapsToday: random.Next(0, 4), alerts: i % 4 == 0 ? [hot] : []),
            Now, OfflineAfter)).ToList();

        foreach (var descending in new[] { false, true })
        {
            Func<StationRow, object> key = r => typeof(StationRow).GetProperty(sortBy)!.GetValue(r)!;
            var keyOrder = Comparer<object>.Create((a, b) => a is string x ? string.CompareOrdinal(x, (string)b) : ((IComparable)a).CompareTo(b));
            var expected = (descending ? rows.OrderByDescending(key, keyOrder) : rows.OrderBy(key, keyOrder)).ThenBy(r => r.StationId, StringComparer.Ordinal).ToList();
            for (var page = 0; page < 10; page++)
            {
                var (slice, total) = new FleetTableQuery(SortBy: sortBy, Descending: descending, Page: page, PageSize: 25).Apply(rows, 1);

                Assert.Equal(rows.Count, total);
                Assert.Equal(expected.Skip(page * 25).Take(25).Select(r => r.StationId), slice.Select(r => r.StationId));
            }
        }
    }

    [Fact]
    public void The_cost_estimate_reproduces_docs_cost_md_at_twenty_stations()
    {
        // 20 stations at one message per 5 s for a month, with the writes and PUTs per message docs/cost.md measured.
        var messages = 20 * 525_600L;
        var counters = new CostCounters(messages, (long)(messages * 0.019), (long)(messages * 0.0042), TimeSpan.FromSeconds(CostEstimate.SecondsPerMonth));

        var estimate = CostEstimate.From(counters, stations: 20, putsPerBatch: 1);

        Assert.Equal(21.02, estimate.IotMessaging, 2);
        Assert.Equal(0.25, estimate.DynamoDbWrites, 2);
        Assert.Equal(0.22, estimate.S3Puts, 2);
        Assert.Equal(52.56, estimate.ServerlessPuts, 2);
        Assert.Equal(13.14, estimate.ServerlessDynamoDb, 2);
        Assert.Equal(82, estimate.ServerlessTotal, 0);
        Assert.Equal(149, estimate.EvSwapTotal, 0);
    }

    [Fact]
    public void Open_pages_share_one_derivation_of_the_fleet_while_a_page_waits_to_refresh_then_until_it_changes_or_the_second_turns()
    {
        var fleet = new FleetMirror(null!, Microsoft.Extensions.Options.Options.Create(new FleetOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<FleetMirror>.Instance);
        fleet.Apply([Summary("a", 4)]);
        var computed = 0;
        int Count(IReadOnlyCollection<StationSummary> stations) => ++computed * 1000 + stations.Count;

        var first = fleet.Derive("count", Now, Count);
        fleet.Apply([Summary("b", 2)]);
        var changedSoonAfter = fleet.Derive("count", Now + FleetMirror.SharedFor - TimeSpan.FromMilliseconds(1), Count);
        var refreshAfterTheChange = fleet.Derive("count", Now + FleetMirror.SharedFor, Count);
        var unchanged = fleet.Derive("count", Now.AddMilliseconds(900), Count);
        var nextSecond = fleet.Derive("count", Now.AddSeconds(1), Count);

        Assert.Equal((1001, 1001, 2002, 2002, 3002), (first, changedSoonAfter, refreshAfterTheChange, unchanged, nextSecond));
    }

    [Fact]
    public void A_clusters_cost_adds_each_silos_message_rate_and_takes_requests_per_message_over_all_of_them()
    {
        // Ten stations' worth on each of two silos, one of them started a week later: the same rate, half the messages.
        var month = TimeSpan.FromSeconds(CostEstimate.SecondsPerMonth);
        var messages = 10 * 525_600L;
        CostShare[] shares =
        [
            new("silo-a", messages, (long)(messages * 0.019), (long)(messages * 0.0042), month, Now),
            new("silo-b", messages / 2, (long)(messages / 2 * 0.019), (long)(messages / 2 * 0.0042), month / 2, Now),
        ];

        var cluster = CostEstimate.From(shares, stations: 20, putsPerBatch: 1);
        var single = CostEstimate.From(new CostCounters(2 * messages, (long)(2 * messages * 0.019), (long)(2 * messages * 0.0042), month), stations: 20, putsPerBatch: 1);

        Assert.Equal(single.MessagesPerMonth, cluster.MessagesPerMonth, 0);
        Assert.Equal(single.WritesPerMessage, cluster.WritesPerMessage, 4);
        Assert.Equal(single.EvSwapTotal, cluster.EvSwapTotal, 2);
        Assert.Equal(single.ServerlessTotal, cluster.ServerlessTotal, 2);
    }
}
