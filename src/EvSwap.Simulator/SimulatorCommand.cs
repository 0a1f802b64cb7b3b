using System.CommandLine;
using System.Globalization;

namespace EvSwap.Simulator;

/// <summary>The simulator's command line: options, their parsing and checks, and the mapping to <see cref="SimulatorOptions"/>.</summary>
public static class SimulatorCommand
{
    /// <param name="run">What to do with valid options; the real run by default (tests pass a stand-in to see what was parsed).</param>
    public static RootCommand Create(Func<SimulatorOptions, CancellationToken, Task<int>>? run = null)
    {
        run ??= (options, ct) => SimulatorApp.RunAsync(options, Console.Out, ct);

        var broker = new Option<string>("--broker") { Description = "MQTT broker as host:port (the local silo's embedded broker by default).", DefaultValueFactory = _ => "127.0.0.1:1883" };
        var stations = new Option<int>("--stations") { Description = "Number of stations to simulate.", DefaultValueFactory = _ => 50 };
        var slots = new Option<int>("--slots") { Description = "Battery slots per station.", DefaultValueFactory = _ => 16 };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "Reporting interval of each station: 5s, 250ms, 1m or 00:00:05 (a bare number is refused).",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
            CustomParser = DurationParser.Parse,
            HelpName = "duration",
        };
        var rate = new Option<double?>("--rate") { Description = "Total messages per second across the fleet; overrides --interval." };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "Stop after this long: 30s, 1m, 2h or 00:01:00 (default: until Ctrl-C).",
            CustomParser = DurationParser.ParseOptional,
            HelpName = "duration",
        };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same station behaviour, redeliveries and reordering.", DefaultValueFactory = _ => 42 };
        var prefix = new Option<string>("--id-prefix") { Description = "Prefix of station ids (st-00000, st-00001, ...).", DefaultValueFactory = _ => "st-" };
        var connections = new Option<int>("--connections") { Description = "MQTT connections to spread stations over; equal to --stations for one per station as on IoT Core.", DefaultValueFactory = _ => 4 };
        var inFlight = new Option<int>("--max-in-flight") { Description = "Unacknowledged QoS 1 publishes per connection (IoT Core allows 100).", DefaultValueFactory = _ => 100 };
        var ca = new Option<string?>("--ca") { Description = "PEM file of the CA that signed the broker certificate (enables TLS)." };
        var cert = new Option<string?>("--cert") { Description = "PEM client certificate for mutual TLS." };
        var key = new Option<string?>("--key") { Description = "PEM private key of the client certificate." };
        var duplicates = new Option<double>("--duplicates") { Description = "Fraction of messages published twice, like an IoT Core redelivery: the copy right away or after up to 3 newer messages, on any connection (0-1)." };
        var reorder = new Option<double>("--reorder") { Description = "Fraction of messages, those carrying swaps and faults included, held back and sent late: after 1-3 newer messages of the station, within its boot, on any connection (0-1)." };
        var swaps = new Option<double>("--swaps-per-hour") { Description = "Mean swaps per station per hour (scaled by the morning/evening profile).", DefaultValueFactory = _ => 6 };
        var ride = new Option<TimeSpan>("--ride")
        {
            Description = "Mean time a rider keeps a swapped-out battery before bringing it, less charged, to some station (0.5-1.5 times this): 30m, 90s or 00:30:00.",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(30),
            CustomParser = DurationParser.Parse,
            HelpName = "duration",
        };
        var faults = new Option<double>("--faults-per-slot-day") { Description = "Slot faults per slot per day.", DefaultValueFactory = _ => 0.05 };
        var reboots = new Option<double>("--reboots-per-day") { Description = "Station reboots (boot+1, seq from 0) per station per day.", DefaultValueFactory = _ => 0.2 };
        var dropouts = new Option<double>("--dropouts-per-day") { Description = "Link drop-outs (station silent for a while) per station per day.", DefaultValueFactory = _ => 0.5 };
        var summaryJson = new Option<string?>("--summary-json") { Description = "Write the run summary as JSON to this file ('-' for standard output)." };
        var verify = new Option<string?>("--verify") { Description = "After the run, compare what the broker acknowledged with the platform at this API URL (e.g. http://127.0.0.1:5080): every (boot, seq) archived exactly once, every swap and fault counted once, duplicates counted, the live view the newest; exit 1 on any difference." };
        var quiet = new Option<bool>("--quiet") { Description = "No live progress lines." };
        var downlink = new Option<bool>("--downlink") { Description = "Stations subscribe to evswap/v1/stations/{id}/commands, carry out what arrives and answer on command-results." };
        var commandFailures = new Option<double>("--command-failures") { Description = "With --downlink: fraction of commands answered failed without being carried out (0-1)." };
        var commandSilence = new Option<double>("--command-silence") { Description = "With --downlink: fraction of commands never answered, so the platform times them out (0-1)." };
        var reservations = new Option<double>("--reservations-per-hour") { Description = "Riders per station per hour who reserve through the API first, then come and swap the held battery (needs --downlink and --api or --verify)." };
        var reservationTtl = new Option<TimeSpan>("--reservation-ttl")
        {
            Description = "How long riders' reservations hold a battery: 10m, 30s or 00:10:00.",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
            CustomParser = DurationParser.Parse,
            HelpName = "duration",
        };
        var noShows = new Option<double>("--no-shows") { Description = "Fraction of riders with a reservation who never come (0-1).", DefaultValueFactory = _ => 0.2 };
        var api = new Option<string?>("--api") { Description = "The platform's API URL for riders' reservations (default: the --verify URL). After the run every reservation is checked: fulfilled, expired or failed as the run says." };

        var root = new RootCommand("EvSwap station simulator: a fleet of modelled swap stations publishing telemetry v1 over MQTT.")
        {
            broker, stations, slots, interval, rate, duration, seed, prefix, connections, inFlight, ca, cert, key,
            duplicates, reorder, swaps, ride, faults, reboots, dropouts, summaryJson, verify, quiet,
            downlink, commandFailures, commandSilence, reservations, reservationTtl, noShows, api,
        };

        root.SetAction(async (parse, cancellationToken) =>
        {
            var errors = new List<string>();
            if (!TryParseBroker(parse.GetValue(broker)!, out var host, out var port))
            {
                errors.Add($"--broker must be host:port, got '{parse.GetValue(broker)}'.");
            }

            if (parse.GetValue(stations) < 1)
            {
                errors.Add("--stations must be at least 1.");
            }

            if (parse.GetValue(slots) is < 1 or > 256)
            {
                errors.Add("--slots must be 1-256.");
            }

            if (parse.GetValue(interval) <= TimeSpan.Zero)
            {
                errors.Add("--interval must be more than zero.");
            }

            if (parse.GetValue(duration) is { } d && d <= TimeSpan.Zero)
            {
                errors.Add("--duration must be more than zero; leave it out to run until Ctrl-C.");
            }

            if (parse.GetValue(duplicates) is < 0 or > 1 || parse.GetValue(reorder) is < 0 or > 1)
            {
                errors.Add("--duplicates and --reorder are fractions from 0 to 1.");
            }

            if (parse.GetValue(commandFailures) is < 0 or > 1 || parse.GetValue(commandSilence) is < 0 or > 1 || parse.GetValue(noShows) is < 0 or > 1
                || parse.GetValue(commandFailures) + parse.GetValue(commandSilence) > 1)
            {
                errors.Add("--command-failures, --command-silence and --no-shows are fractions from 0 to 1 (failures and silence together at most 1).");
            }

            if (parse.GetValue(reservations) > 0 && (!parse.GetValue(downlink) || (parse.GetValue(api) ?? parse.GetValue(verify)) is null))
            {
                errors.Add("--reservations-per-hour needs --downlink (stations must hold the batteries) and --api or --verify (where riders reserve).");
            }

            if (parse.GetValue(ride) < TimeSpan.Zero)
            {
                errors.Add("--ride must not be negative.");
            }

            if (parse.GetValue(reservationTtl) < TimeSpan.FromSeconds(1))
            {
                errors.Add("--reservation-ttl must be at least 1s.");
            }

            if ((parse.GetValue(cert) is null) != (parse.GetValue(key) is null))
            {
                errors.Add("--cert and --key go together.");
            }

            if (errors.Count > 0)
            {
                errors.ForEach(parse.InvocationConfiguration.Error.WriteLine);
                return 2;
            }

            return await run(new SimulatorOptions
            {
                BrokerHost = host,
                BrokerPort = port,
                Stations = parse.GetValue(stations),
                Slots = parse.GetValue(slots),
                Interval = parse.GetValue(interval),
                Rate = parse.GetValue(rate),
                Duration = parse.GetValue(duration),
                Seed = parse.GetValue(seed),
                IdPrefix = parse.GetValue(prefix)!,
                Connections = parse.GetValue(connections),
                MaxInFlightPerConnection = parse.GetValue(inFlight),
                CaFile = parse.GetValue(ca),
                CertFile = parse.GetValue(cert),
                KeyFile = parse.GetValue(key),
                Duplicates = parse.GetValue(duplicates),
                Reorder = parse.GetValue(reorder),
                SwapsPerHour = parse.GetValue(swaps),
                Ride = parse.GetValue(ride),
                FaultsPerSlotPerDay = parse.GetValue(faults),
                RebootsPerDay = parse.GetValue(reboots),
                DropoutsPerDay = parse.GetValue(dropouts),
                SummaryJson = parse.GetValue(summaryJson),
                VerifyUrl = parse.GetValue(verify),
                Quiet = parse.GetValue(quiet),
                Downlink = parse.GetValue(downlink),
                CommandFailures = parse.GetValue(commandFailures),
                CommandSilence = parse.GetValue(commandSilence),
                ReservationsPerHour = parse.GetValue(reservations),
                ReservationTtl = parse.GetValue(reservationTtl),
                NoShows = parse.GetValue(noShows),
                ApiUrl = parse.GetValue(api) ?? parse.GetValue(verify),
            }, cancellationToken);
        });

        return root;
    }

    private static bool TryParseBroker(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = value[..colon];
        return true;
    }
}
