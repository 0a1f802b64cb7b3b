using EvSwap.Api;
using EvSwap.Contracts;
using EvSwap.Testing;
using Microsoft.Extensions.Options;
using static EvSwap.GrainTests.DownlinkFixture;

namespace EvSwap.GrainTests;

/// <summary>The fleet list by availability: stations put their forecast in their index entries, the shards filter and sort by it.</summary>
[Collection(DownlinkCollection.Name)]
public class FleetAvailabilityTests(DownlinkFixture fixture)
{
    private FleetReader Reader => new(fixture.Grains, Options.Create(new FleetOptions()));

    /// <summary>Every page of the query, following nextCursor (bounded), keeping only this test's stations.</summary>
    private async Task<List<StationListItem>> AllPagesAsync(FleetQuery query, string prefix)
    {
        var rows = new List<StationListItem>();
        for (var page = 0; page < 1000; page++)
        {
            var (items, hasMore) = await Reader.ListAsync(query);
            rows.AddRange(items.Where(i => i.StationId.StartsWith(prefix, StringComparison.Ordinal)));
            if (!hasMore)
            {
                return rows;
            }

            query = query with { After = items[^1].StationId, AfterAvailable = FleetOrder.Available(query, items[^1]) };
        }

        throw new InvalidOperationException("more than 1000 pages");
    }

    [Fact]
    public async Task Stations_index_their_forecast_and_the_fleet_list_filters_and_sorts_by_it_across_shards_page_by_page()
    {
        var prefix = "fa" + Guid.NewGuid().ToString("N")[..8] + "-";
        // Expected in 15 / 30 / 60 minutes: a 3/3/3, b 1/1/2 (70 % at 1 %/min: 10 minutes to the knee, 27.7 more to 95 %),
        // c 2/2/2, d 1/1/1 (90 % at 0.5 %/min in the taper: 13.9 minutes).
        var stations = new Dictionary<string, Func<double, SlotReading[]>>
        {
            [prefix + "a"] = _ => [Ready(1, "a1"), Ready(2, "a2"), Ready(3, "a3")],
            [prefix + "b"] = m => [Ready(1, "b1"), Charging(2, "b2", 69 + m)],
            [prefix + "c"] = _ => [Ready(1, "c1"), Ready(2, "c2"), Charging(3, "c3", 10)],
            [prefix + "d"] = m => [Charging(1, "d1", 89.5 + 0.5 * m)],
        };
        for (var minute = 0; minute <= 1; minute++)
        {
            foreach (var (id, slots) in stations)
            {
                await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(Envelope(id, minute + 1, slots(minute)));
            }

            Clock.Advance(TimeSpan.FromMinutes(minute == 0 ? 1 : 0));
        }

        // Index entries are one-way calls: wait until every station's entry holds the forecast made from both snapshots.
        var asOf = Clock.GetUtcNow();
        var byAvailable = new FleetQuery(null, null, 2) { Sort = FleetSort.Available, AvailableInMinutes = 60 };
        var sixty = await Eventually.GetAsync(() => AllPagesAsync(byAvailable, prefix), rows => rows.Count == 4 && rows.All(r => r.Outlook?.AsOf == asOf));

        Assert.Equal([(prefix + "a", 3), (prefix + "b", 2), (prefix + "c", 2), (prefix + "d", 1)], sixty.Select(r => (r.StationId, r.Outlook!.In60m)));
        var fifteen = await AllPagesAsync(byAvailable with { AvailableInMinutes = 15, MinAvailable = 2 }, prefix);
        Assert.Equal([prefix + "a", prefix + "c"], fifteen.Select(r => r.StationId));
        var byId = await AllPagesAsync(new FleetQuery(null, null, 3) { AvailableInMinutes = 30, MinAvailable = 1 }, prefix);
        Assert.Equal([prefix + "a", prefix + "b", prefix + "c", prefix + "d"], byId.Select(r => r.StationId));
    }

    [Fact]
    public async Task A_reservation_lowers_the_stations_indexed_outlook_at_once_without_waiting_for_its_next_message()
    {
        var id = "fa" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Grains.GetGrain<IStationGrain>(id).Ingest(Envelope(id, 1, [Ready(1, "bat-a"), Ready(2, "bat-b")]));
        var query = new FleetQuery(null, null, 1000) { AvailableInMinutes = 15 };
        await Eventually.GetAsync(() => AllPagesAsync(query, id), rows => rows.SingleOrDefault()?.Outlook?.In15m == 2);

        await fixture.Grains.GetGrain<IStationDownlinkGrain>(id).Reserve(new ReservationRequest("rider-1", null, null));

        var rows = await Eventually.GetAsync(() => AllPagesAsync(query, id), rows => rows.SingleOrDefault()?.Outlook?.In15m == 1);
        Assert.Equal(1, Assert.Single(rows).Outlook!.In15m);
    }
}
