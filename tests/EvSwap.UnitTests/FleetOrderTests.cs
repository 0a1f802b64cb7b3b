using EvSwap.Api;
using EvSwap.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EvSwap.UnitTests;

public class FleetOrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static StationListItem Row(string id, int in15, int in30, int in60) =>
        new(id, T0, true, new Dictionary<string, int>(), 0, 0) { Outlook = new AvailabilityOutlook(in15, in30, in60, T0) };

    private static StationListItem Offline(string id) => new(id, T0, false, new Dictionary<string, int>(), 3, 0);

    private static readonly StationListItem[] Fleet =
    [
        Row("st-a", 1, 1, 1), Row("st-b", 3, 2, 2), Row("st-c", 2, 2, 4), Offline("st-d"), Row("st-e", 0, 2, 2),
    ];

    private static List<string> Ordered(FleetQuery query)
    {
        var rows = Fleet.Where(r => FleetOrder.Includes(query, r)).ToList();
        rows.Sort((x, y) => FleetOrder.Compare(query, x, y));
        return [.. rows.Select(r => r.StationId)];
    }

    [Fact]
    public void Sorting_by_availability_puts_the_most_expected_at_the_horizon_first_and_breaks_ties_by_id()
    {
        var query = new FleetQuery(null, null, 10) { Sort = FleetSort.Available, AvailableInMinutes = 30 };

        Assert.Equal(["st-b", "st-c", "st-e", "st-a", "st-d"], Ordered(query));
        Assert.Equal(["st-c", "st-b", "st-e", "st-a", "st-d"], Ordered(query with { AvailableInMinutes = 60 }));
    }

    [Fact]
    public void The_availability_filter_keeps_stations_expected_to_have_at_least_that_many_and_an_offline_one_has_none()
    {
        var query = new FleetQuery(null, null, 10) { AvailableInMinutes = 15, MinAvailable = 2 };

        Assert.Equal(["st-b", "st-c"], Ordered(query));
        Assert.Equal(5, Ordered(query with { MinAvailable = 0 }).Count);
        Assert.Equal(0, FleetOrder.Available(query, Offline("st-d")));
    }

    [Fact]
    public void A_page_after_an_availability_cursor_starts_right_after_that_row_in_the_same_order()
    {
        var query = new FleetQuery(null, null, 10) { Sort = FleetSort.Available, AvailableInMinutes = 30 };

        // After st-c (2 expected): st-e has 2 and a later id; st-b has 2 too but comes before st-c.
        Assert.Equal(["st-e", "st-a", "st-d"], Ordered(query with { After = "st-c", AfterAvailable = 2 }));
        Assert.Equal(["st-c", "st-e", "st-a", "st-d"], Ordered(query with { After = "st-b", AfterAvailable = 2 }));
    }

    [Fact]
    public void A_query_without_a_horizon_from_a_silo_that_predates_it_still_lists_by_id()
    {
        var old = new FleetQuery(null, "st-b", 10) { AvailableInMinutes = 0 };

        Assert.Equal(["st-c", "st-d", "st-e"], Ordered(old));
    }

    [Fact]
    public void A_next_cursor_read_back_positions_the_query_after_the_last_row()
    {
        Assert.True(FleetListQuery.TryParse(null, "available", "60m", "1", null, "2", out var query, out _));
        var cursor = FleetListQuery.NextCursor(query, Row("st-c", 2, 2, 4));

        Assert.True(FleetListQuery.TryParse(null, "available", "60m", "1", cursor, "2", out var next, out _));

        Assert.Equal((FleetSort.Available, 60, 1, 2, "st-c", (int?)4), (next.Sort, next.AvailableInMinutes, next.MinAvailable, next.Limit, next.After, next.AfterAvailable));
    }

    [Theory]
    [InlineData("fullest", null, null, null, "sort")]
    [InlineData("available", "45m", null, null, "availableIn")]
    [InlineData(null, "2h", null, null, "availableIn")]
    [InlineData(null, null, "-1", null, "minAvailable")]
    [InlineData(null, null, "two", null, "minAvailable")]
    [InlineData(null, null, "10001", null, "minAvailable")]
    [InlineData("available", null, null, "st-0001", "cursor")]
    [InlineData(null, null, null, "available:30:2:st-0001", "cursor")]
    [InlineData("available", "15m", null, "available:30:2:st-0001", "cursor")]
    public void Bad_fleet_list_parameters_are_refused_with_a_problem_naming_the_parameter(string? sort, string? availableIn, string? minAvailable, string? rawCursor, string parameter)
    {
        var cursor = rawCursor is null ? null : Cursor.Encode(rawCursor);

        Assert.False(FleetListQuery.TryParse(null, sort, availableIn, minAvailable, cursor, null, out _, out var error));

        var problem = Assert.IsType<ProblemHttpResult>(error).ProblemDetails;
        Assert.Equal((StatusCodes.Status400BadRequest, parameter), (problem.Status, problem.Extensions["parameter"]));
    }
}
