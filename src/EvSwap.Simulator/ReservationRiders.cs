using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EvSwap.Simulator;

/// <summary>
/// Riders who reserve before they come (<c>--reservations-per-hour</c>): each reserves through the API, then arrives
/// within the reservation's time and swaps the held battery, or (at <c>--no-shows</c>) never comes. Riders without a
/// reservation are the stations' ordinary swaps. <see cref="VerifyAsync"/> checks every reservation ended as the run
/// says it must: fulfilled when its rider swapped the held battery, expired when the station held it and nobody came,
/// failed when the station refused or never answered.
/// </summary>
public sealed class ReservationRiders(SimulatorOptions options, TextWriter output) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(options.EffectiveApiUrl!), Timeout = TimeSpan.FromSeconds(30) };
    private readonly Random _random = new(unchecked(options.Seed * 104729 + 3));
    private readonly ConcurrentQueue<Trip> _booked = new();
    private readonly List<Trip> _trips = [];
    private readonly List<Task> _requests = [];
    private long _unavailable;
    private long _errors;

    /// <summary>Starts a reservation request for the station at the configured rate (the HTTP call runs beside the loop).</summary>
    public void MaybeReserve(string stationId, DateTimeOffset now, TimeSpan dt)
    {
        if (_random.NextDouble() >= options.ReservationsPerHour / 3600 * dt.TotalSeconds)
        {
            return;
        }

        var noShow = _random.NextDouble() < options.NoShows;
        var arriveAfter = options.ReservationTtl * (0.1 + 0.6 * _random.NextDouble());
        var rider = $"rider-{options.Seed}-{_random.Next():x8}";
        _requests.Add(ReserveAsync(stationId, rider, noShow ? null : now + arriveAfter));
    }

    /// <summary>Riders due at this station take their held battery.</summary>
    public void Arrive(SimulatedStation station, DateTimeOffset now)
    {
        while (_booked.TryDequeue(out var trip))
        {
            _trips.Add(trip);
        }

        foreach (var trip in _trips)
        {
            if (trip.StationId == station.Id && !trip.Arrived && trip.ArriveAt <= now)
            {
                trip.Arrived = true;
                trip.Swapped = station.SwapReserved(trip.ReservationId, now);
            }
        }
    }

    public async Task<List<string>> VerifyAsync(CommandResponder? downlink, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_requests);
        while (_booked.TryDequeue(out var late))
        {
            _trips.Add(late);
        }

        var problems = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var deadline = DateTimeOffset.UtcNow + options.ReservationTtl + TimeSpan.FromSeconds(40);
        foreach (var trip in _trips)
        {
            var hold = downlink?.Holds.GetValueOrDefault(trip.ReservationId);
            var expected = hold == "held" ? (trip.Swapped ? "Fulfilled" : "Expired") : "Failed";
            string? actual;
            do
            {
                actual = await StatusAsync(trip, cancellationToken);
                if (actual is not ("Pending" or "Confirmed"))
                {
                    break;
                }

                await Task.Delay(250, cancellationToken);
            }
            while (DateTimeOffset.UtcNow < deadline);

            outcomes[actual ?? "missing"] = outcomes.GetValueOrDefault(actual ?? "missing") + 1;
            if (actual != expected)
            {
                problems.Add($"{trip.StationId}: reservation {trip.ReservationId} is {actual ?? "missing"}, expected {expected} (station {hold ?? "never got the hold"}, rider {(trip.ArriveAt is null ? "no-show" : trip.Swapped ? "swapped" : "found nothing held")})");
            }
        }

        output.WriteLine(problems.Count == 0
            ? $"verify reservations: OK - {_trips.Count} reservations ({string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}"))}), {Interlocked.Read(ref _unavailable)} refused with 409"
            : $"verify reservations: {problems.Count} differences of {_trips.Count}");
        if (Interlocked.Read(ref _errors) > 0)
        {
            problems.Add($"{_errors} reservation requests failed (neither 201 nor 409)");
        }

        foreach (var p in problems.Take(20))
        {
            output.WriteLine("  - " + p);
        }

        return problems;
    }

    public void Dispose() => _http.Dispose();

    private async Task ReserveAsync(string stationId, string rider, DateTimeOffset? arriveAt)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/stations/{stationId}/reservations")
            {
                Content = JsonContent.Create(new Dictionary<string, object> { ["riderId"] = rider, ["ttlSeconds"] = (int)options.ReservationTtl.TotalSeconds }),
            };
            request.Headers.Add("Idempotency-Key", rider);
            using var response = await _http.SendAsync(request);
            if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
            {
                // Nothing charged to hold, or a station that has not reported yet: the rider swaps without one.
                Interlocked.Increment(ref _unavailable);
                return;
            }

            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            _booked.Enqueue(new Trip(stationId, body.GetProperty("reservationId").GetString()!, arriveAt));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    private async Task<string?> StatusAsync(Trip trip, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/stations/{trip.StationId}/reservations/{trip.ReservationId}", cancellationToken);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("status").GetString()
            : null;
    }

    private sealed record Trip(string StationId, string ReservationId, DateTimeOffset? ArriveAt)
    {
        public bool Arrived { get; set; }
        public bool Swapped { get; set; }
    }
}
