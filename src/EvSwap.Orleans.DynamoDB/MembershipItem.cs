using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Orleans;
using Orleans.Runtime;

namespace EvSwap.Orleans.DynamoDB;

/// <summary>
/// The layout of a cluster's membership item. One item holds the whole cluster so that a single conditional
/// UpdateItem changes a row and the table version together: atomic on DynamoDB and on dynalite, no transactions.
/// <code>
/// Cluster (S, hash key)  "{serviceId}/{clusterId}" (each part with '%' and '/' escaped)
/// ServiceId, ClusterId (S)  for people reading the table
/// Version (N), ETag (S)     the Orleans table version and its concurrency token
/// Silos (M)                 silo address ("ip:port@generation") -> row:
///   ETag (S)                row token; changes with InsertRow/UpdateRow, never with a heartbeat
///   Status (S), Host, Name, Role (S), ProxyPort, UpdateZone, FaultZone (N), Start, Alive (S, ISO 8601 UTC)
///   Suspects (L of M {Silo (S), At (S)}), absent when there are no votes
/// </code>
/// Short attribute names matter: every row is repeated inside one item bounded by 400 KB.
/// </summary>
internal static class MembershipItem
{
    public const string Key = "Cluster";
    public const string Version = "Version";
    public const string ETag = "ETag";
    public const string Silos = "Silos";
    public const string Alive = "Alive";

    /// <summary>
    /// The version token reported while the cluster has no item yet. It never equals a stored token (those are
    /// GUIDs), so InsertRow with it can only succeed by creating the item.
    /// </summary>
    public const string NoItemETag = "none";

    public static string KeyOf(string serviceId, string clusterId) => Escape(serviceId) + "/" + Escape(clusterId);

    public static string RowKey(SiloAddress silo) => silo.ToParsableString();

    public static string NewETag() => Guid.NewGuid().ToString("N");

    public static Dictionary<string, AttributeValue> KeyAttributes(string key) => new() { [Key] = new AttributeValue(key) };

    public static AttributeValue EncodeRow(MembershipEntry entry, string rowETag)
    {
        var row = new Dictionary<string, AttributeValue>
        {
            [ETag] = new(rowETag),
            ["Status"] = new(entry.Status.ToString()),
            ["ProxyPort"] = Number(entry.ProxyPort),
            ["UpdateZone"] = Number(entry.UpdateZone),
            ["FaultZone"] = Number(entry.FaultZone),
            ["Start"] = new(FormatTime(entry.StartTime)),
            [Alive] = new(FormatTime(entry.IAmAliveTime)),
        };

        // Empty strings are left out rather than stored: older DynamoDB-API endpoints reject them.
        AddIfNotEmpty(row, "Host", entry.HostName);
        AddIfNotEmpty(row, "Name", entry.SiloName);
        AddIfNotEmpty(row, "Role", entry.RoleName);

        if (entry.SuspectTimes is { Count: > 0 } votes)
        {
            row["Suspects"] = new AttributeValue
            {
                L = votes.Select(v => new AttributeValue
                {
                    M = new Dictionary<string, AttributeValue>
                    {
                        ["Silo"] = new(v.Item1.ToParsableString()),
                        ["At"] = new(FormatTime(v.Item2)),
                    },
                }).ToList(),
            };
        }

        return new AttributeValue { M = row };
    }

    public static (MembershipEntry Entry, string RowETag) DecodeRow(string rowKey, AttributeValue value)
    {
        // The SDK (v4) gives null, not empty, for absent collections.
        var row = value.M ?? [];
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.FromParsableString(rowKey),
            Status = Enum.Parse<SiloStatus>(GetString(row, "Status") ?? nameof(SiloStatus.None)),
            // Null stays null: Orleans compares what it wrote with what it reads back.
            HostName = GetString(row, "Host")!,
            SiloName = GetString(row, "Name")!,
            RoleName = GetString(row, "Role"),
            ProxyPort = GetInt(row, "ProxyPort"),
            UpdateZone = GetInt(row, "UpdateZone"),
            FaultZone = GetInt(row, "FaultZone"),
            StartTime = ParseTime(GetString(row, "Start")),
            IAmAliveTime = ParseTime(GetString(row, Alive)),
            SuspectTimes = [],
        };

        if (row.TryGetValue("Suspects", out var suspects) && suspects.L is { } list)
        {
            foreach (var vote in list)
            {
                var m = vote.M ?? [];
                var silo = GetString(m, "Silo");
                if (silo is not null)
                {
                    entry.SuspectTimes.Add(Tuple.Create(SiloAddress.FromParsableString(silo), ParseTime(GetString(m, "At"))));
                }
            }
        }

        return (entry, GetString(row, ETag) ?? string.Empty);
    }

    /// <summary>Decodes a whole item (or its absence) into what Orleans reads: rows plus table version.</summary>
    public static MembershipTableData Decode(Dictionary<string, AttributeValue>? item, Func<string, bool>? rowFilter = null)
    {
        if (item is null || item.Count == 0)
        {
            return new MembershipTableData(new TableVersion(0, NoItemETag));
        }

        var version = new TableVersion(GetInt(item, Version), GetString(item, ETag) ?? NoItemETag);
        var rows = new List<Tuple<MembershipEntry, string>>();
        if (item.TryGetValue(Silos, out var silos) && silos.M is { } map)
        {
            foreach (var (rowKey, value) in map)
            {
                if (rowFilter is null || rowFilter(rowKey))
                {
                    var (entry, rowETag) = DecodeRow(rowKey, value);
                    rows.Add(Tuple.Create(entry, rowETag));
                }
            }
        }

        return new MembershipTableData(rows, version);
    }

    /// <summary>The latest moment a row shows life: start, heartbeat or a suspicion vote (what Orleans' cleanup uses).</summary>
    /// <summary>A row cleanup may remove: not Active, and no start, heartbeat or vote since <paramref name="cutoff"/>.</summary>
    public static bool IsDefunct(MembershipEntry entry, DateTimeOffset cutoff) =>
        entry.Status != SiloStatus.Active
        && new DateTimeOffset(DateTime.SpecifyKind(LastActivity(entry), DateTimeKind.Utc)) < cutoff;

    public static DateTime LastActivity(MembershipEntry entry)
    {
        var latest = entry.StartTime > entry.IAmAliveTime ? entry.StartTime : entry.IAmAliveTime;
        foreach (var vote in entry.SuspectTimes ?? [])
        {
            if (vote.Item2 > latest)
            {
                latest = vote.Item2;
            }
        }

        return latest;
    }

    public static string FormatTime(DateTime time) =>
        (time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToString("O", CultureInfo.InvariantCulture);

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static DateTime ParseTime(string? text) =>
        text is null ? default : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string? GetString(Dictionary<string, AttributeValue> map, string name) =>
        map.TryGetValue(name, out var v) ? v.S : null;

    private static int GetInt(Dictionary<string, AttributeValue> map, string name) =>
        map.TryGetValue(name, out var v) && v.N is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0;

    private static void AddIfNotEmpty(Dictionary<string, AttributeValue> map, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            map[name] = new AttributeValue(value);
        }
    }

    private static string Escape(string part) => part.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);
}
