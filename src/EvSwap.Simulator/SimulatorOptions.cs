namespace EvSwap.Simulator;

public sealed record SimulatorOptions
{
    public string BrokerHost { get; init; } = "127.0.0.1";
    public int BrokerPort { get; init; } = 1883;
    public int Stations { get; init; } = 50;
    public int Slots { get; init; } = 16;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Total messages per second across the fleet; when set it overrides <see cref="Interval"/>.</summary>
    public double? Rate { get; init; }

    public TimeSpan? Duration { get; init; }
    public int Seed { get; init; } = 42;
    public string IdPrefix { get; init; } = "st-";

    /// <summary>MQTT connections; stations are spread over them. Equal to Stations: one per station, as on IoT Core.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>
    /// IoT Core allows 100 unacknowledged QoS 1 publishes per connection. More is not faster either: MQTTnet's client
    /// matches each PUBACK by a linear search over what is in flight.
    /// </summary>
    public int MaxInFlightPerConnection { get; init; } = 100;
    public string? CaFile { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }

    /// <summary>Fraction of messages published twice (IoT Core redelivery), the copy possibly late and on another connection.</summary>
    public double Duplicates { get; init; }

    /// <summary>
    /// Fraction of messages, swaps and faults included, held back and sent after newer ones of their station (out-of-order
    /// delivery), possibly on another connection. See <see cref="DeliveryScheduler"/>.
    /// </summary>
    public double Reorder { get; init; }

    public double SwapsPerHour { get; init; } = 6;

    /// <summary>Mean time a rider keeps a battery before it comes back to a station (each ride is 0.5-1.5 times this).</summary>
    public TimeSpan Ride { get; init; } = TimeSpan.FromMinutes(30);
    public double FaultsPerSlotPerDay { get; init; } = 0.05;
    public double RebootsPerDay { get; init; } = 0.2;
    public double DropoutsPerDay { get; init; } = 0.5;
    public string? SummaryJson { get; init; }
    public string? VerifyUrl { get; init; }
    public bool Quiet { get; init; }

    /// <summary>Stations subscribe to their command topics and carry out and answer what arrives.</summary>
    public bool Downlink { get; init; }

    /// <summary>Fraction of commands a station answers failed without carrying them out.</summary>
    public double CommandFailures { get; init; }

    /// <summary>Fraction of commands a station never answers (the platform times them out).</summary>
    public double CommandSilence { get; init; }

    /// <summary>Riders per station per hour who reserve through the API before they come (needs <see cref="Downlink"/> and <see cref="ApiUrl"/>).</summary>
    public double ReservationsPerHour { get; init; }

    public TimeSpan ReservationTtl { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Fraction of riders with a reservation who never come.</summary>
    public double NoShows { get; init; } = 0.2;

    /// <summary>The platform's API for riders' reservations; the --verify URL when not given.</summary>
    public string? ApiUrl { get; init; }

    public string? EffectiveApiUrl => ApiUrl ?? VerifyUrl;

    public TimeSpan EffectiveInterval => Rate is { } r && r > 0 ? TimeSpan.FromSeconds(Stations / r) : Interval;
}
