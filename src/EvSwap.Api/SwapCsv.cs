using System.Globalization;
using System.Text;
using EvSwap.Ledger;

namespace EvSwap.Api;

/// <summary>RFC 4180 CSV of swap records, written as they are read from the store and flushed every few hundred rows.</summary>
internal static class SwapCsv
{
    public const string Header = "id,stationId,at,boot,seq,eventIndex,slotIn,batteryIn,socInPct,slotOut,batteryOut,socOutPct,energyKwh";

    public static async Task WriteAsync(Stream body, IAsyncEnumerable<SwapRecord> records, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(Header);
        var rows = 0;
        await foreach (var r in records.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(Row(r));
            if (++rows % 500 == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    internal static string Row(SwapRecord r) => string.Join(',',
        Field(r.Id), Field(r.StationId), r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        Num(r.Boot), Num(r.Seq), Num((long)r.EventIndex), Num(r.SlotIn), Field(r.BatteryIn), Num(r.SocInPct), Num(r.SlotOut), Field(r.BatteryOut), Num(r.SocOutPct), Num(r.EnergyKwh));

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Num(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Num(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string Field(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
