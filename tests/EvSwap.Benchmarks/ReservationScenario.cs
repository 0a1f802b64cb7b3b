using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EvSwap.Contracts;
using EvSwap.Testing;

namespace EvSwap.Benchmarks;

/// <summary>
/// Issue 17's figure: a rider's reservation request to the station's confirmation, with responsive stations over the
/// embedded broker. Every station answers each command <c>succeeded</c> as soon as it arrives. The time runs from
/// sending <c>POST /stations/{id}/reservations</c> to the PUBACK of the station's answer, which the platform sends only
/// once the station grain has applied it (the reservation is Confirmed by then). Riders at different stations reserve
/// at once; each rider cancels after the confirmation, which frees the battery for the next.
/// </summary>
public sealed class ReservationScenario(BenchOptions options, Report report, HttpClient http)
{
    private const int Slots = 16;

    public async Task RunAsync(CancellationToken ct)
    {
        await using var silo = await SiloProcess.StartAsync("reservations", options.WorkDir, []);
        var stationCount = options.Quick ? 10 : 20;
        var perStation = options.Quick ? 30 : 100;
        var responders = new List<Responder>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var latencies = new ConcurrentBag<double>();
        try
        {
            for (var i = 0; i < stationCount; i++)
            {
                var id = $"resv-{i:00000}";
                var station = await TestStation.ConnectAsync(silo.MqttPort, id);
                var snapshot = TelemetryBuilder.For(id).Seq(1);
                for (var slot = 1; slot <= Slots; slot++)
                {
                    snapshot.Ready(slot, $"{id}-bat-{slot:00}", socPct: 99);
                }

                await station.PublishTelemetryAsync(snapshot.Json());
                responders.Add(new Responder(station, stop.Token));
            }

            // The first reservation at each station (its grain's first downlink call, the JIT) is not counted.
            await Task.WhenAll(responders.Select(r => ReserveAsync(silo, r, perStation + 1, latencies, ct)));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var responder in responders)
            {
                await responder.DisposeAsync();
            }
        }

        var sorted = latencies.Order().ToArray();
        double At(double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
        var how = $"{sorted.Length:N0} reservations, {stationCount} stations reserving at once, each answering on receipt; request sent to the PUBACK of the station's answer (given once the grain applied it)";
        report.Add(new Row("9a", "Reservation request to station confirmation, responsive station, embedded broker: p50", At(0.5), "ms", How: how));
        report.Add(new Row("9b", "Reservation request to station confirmation: p99", At(0.99), "ms", $"max {sorted[^1]:N1} ms"));
        await silo.StopAsync(TimeSpan.FromSeconds(60));
    }

    private async Task ReserveAsync(SiloProcess silo, Responder responder, int count, ConcurrentBag<double> latencies, CancellationToken ct)
    {
        var id = responder.Station.StationId;
        for (var attempt = 0; attempt < 600 && (await http.GetAsync($"{silo.ApiUrl}/stations/{id}", ct)).StatusCode != HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(50, ct);
        }

        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync($"{silo.ApiUrl}/stations/{id}/reservations", new { riderId = $"rider-{i}", ttlSeconds = 300 }, ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"{id}: reservation {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }

            var reservationId = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("reservationId").GetString()!;
            var confirmed = await responder.ConfirmedAsync(reservationId).WaitAsync(TimeSpan.FromSeconds(30), ct);
            if (i > 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, confirmed).TotalMilliseconds);
            }

            using var cancel = await http.DeleteAsync($"{silo.ApiUrl}/stations/{id}/reservations/{reservationId}", ct);
            cancel.EnsureSuccessStatusCode();
        }
    }

    /// <summary>A station that answers every command at once and notes when each hold's answer was acknowledged.</summary>
    private sealed class Responder : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _confirmed = new();
        private readonly Task _loop;

        public Responder(TestStation station, CancellationToken stop)
        {
            Station = station;
            _loop = Task.Run(() => AnswerAsync(stop), CancellationToken.None);
        }

        public TestStation Station { get; }

        /// <summary>The timestamp at which the station's answer to the reservation's hold was acknowledged.</summary>
        public Task<long> ConfirmedAsync(string reservationId) => Completion(reservationId).Task;

        public async ValueTask DisposeAsync()
        {
            await _loop;
            await Station.DisposeAsync();
        }

        private async Task AnswerAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                StationCommand command;
                try
                {
                    command = await Station.NextCommandAsync(TimeSpan.FromMilliseconds(500));
                }
                catch (OperationCanceledException)
                {
                    continue;
                }

                await Station.AnswerAsync(command.CommandId, CommandResultStatuses.Succeeded);
                if (command.Type == CommandTypes.ReserveSlot && command.ReservationId is { } reservationId)
                {
                    Completion(reservationId).TrySetResult(Stopwatch.GetTimestamp());
                }
            }
        }

        private TaskCompletionSource<long> Completion(string reservationId) =>
            _confirmed.GetOrAdd(reservationId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
