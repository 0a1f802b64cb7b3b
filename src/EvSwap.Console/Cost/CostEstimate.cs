using EvSwap.Contracts;

namespace EvSwap.Console;

/// <summary>
/// The month's AWS bill by the prices and formula of docs/cost.md (us-east-1 list prices), from measured request
/// counts: EvSwap beside the one-write-one-object-per-message design at the same message rate.
/// </summary>
public sealed record CostEstimate(
    double MessagesPerMonth, double WritesPerMessage, double PutsPerMessage, int Stations,
    double IotMessaging, double DynamoDbWrites, double S3Puts, double S3Storage, double Fixed,
    double ServerlessIot, double ServerlessRules, double ServerlessLambda, double ServerlessDynamoDb, double ServerlessPuts, double ServerlessStorage)
{
    public const double SecondsPerMonth = 525_600 * 5;
    public const double IotPerMessage = 1.00e-6;
    public const double WriteUnitPrice = 0.625e-6;
    public const double WriteUnitsPerWrite = 2;
    public const double PutPrice = 5e-6;
    public const double StoragePerGbMonth = 0.023;
    public const double ArchivedBytesPerMessage = 44;
    public const double SingleObjectBytesPerMessage = 1500;
    public const double RulesPerMessage = 0.30e-6;
    public const double LambdaPerMessage = 0.242e-6;

    /// <summary>Two 1 vCPU / 2 GB tasks, the ALB and a NAT gateway (docs/cost.md, 20 stations).</summary>
    public const double FixedPerMonth = 72.08 + 22.27 + 32.85;

    public double EvSwapTotal => IotMessaging + DynamoDbWrites + S3Puts + S3Storage + Fixed;

    public double ServerlessTotal => ServerlessIot + ServerlessRules + ServerlessLambda + ServerlessDynamoDb + ServerlessPuts + ServerlessStorage;

    public double EvSwapPerStation => Stations == 0 ? 0 : EvSwapTotal / Stations;

    public double ServerlessPerStation => Stations == 0 ? 0 : ServerlessTotal / Stations;

    /// <param name="putsPerBatch">S3 PUTs per archived batch: 2 with series summaries, else 1.</param>
    public static CostEstimate From(CostCounters counters, int stations, int putsPerBatch) =>
        From([new CostShare("", counters.Messages, counters.StateWrites, counters.ArchiveWrites, counters.Elapsed, default)], stations, putsPerBatch);

    /// <summary>
    /// The deployment's bill from every silo's share: each silo's message rate over its own time since start, added;
    /// the requests per message over all of them.
    /// </summary>
    public static CostEstimate From(IReadOnlyCollection<CostShare> shares, int stations, int putsPerBatch)
    {
        var messages = shares.Sum(s => s.Messages);
        var m = shares.Sum(s => s.Messages / Math.Max(1, s.Elapsed.TotalSeconds)) * SecondsPerMonth;
        var w = messages == 0 ? 0 : (double)shares.Sum(s => s.StateWrites) / messages;
        var p = messages == 0 ? 0 : (double)shares.Sum(s => s.ArchiveWrites) * putsPerBatch / messages;
        return new CostEstimate(
            m, w, p, stations,
            IotMessaging: m * 2 * IotPerMessage,
            DynamoDbWrites: m * w * WriteUnitsPerWrite * WriteUnitPrice,
            S3Puts: m * p * PutPrice,
            S3Storage: m * ArchivedBytesPerMessage / 1e9 * StoragePerGbMonth,
            Fixed: FixedPerMonth,
            ServerlessIot: m * IotPerMessage,
            ServerlessRules: m * RulesPerMessage,
            ServerlessLambda: m * LambdaPerMessage,
            ServerlessDynamoDb: m * WriteUnitsPerWrite * WriteUnitPrice,
            ServerlessPuts: m * PutPrice,
            ServerlessStorage: m * SingleObjectBytesPerMessage / 1e9 * StoragePerGbMonth);
    }
}
