using System.Net;
using Orleans;
using Orleans.Runtime;

namespace EvSwap.Orleans.DynamoDB.Tests;

/// <summary>Membership rows for the conformance tests: new silos, insertable entries, and comparing what was read back.</summary>
internal static class MembershipRows
{
    private static int _generation = 1000;

    public static Tuple<MembershipEntry, string> Row(MembershipTableData data, SiloAddress silo)
    {
        var row = data.TryGet(silo);
        Assert.NotNull(row);
        return row;
    }

    public static SiloAddress NewAddress() => SiloAddress.New(IPAddress.Loopback, 12345, Interlocked.Increment(ref _generation));

    public static DateTime Seconds(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc);

    public static MembershipEntry NewEntry()
    {
        var address = NewAddress();
        return new MembershipEntry
        {
            SiloAddress = address,
            HostName = "host",
            SiloName = "silo-" + address.Generation,
            Status = SiloStatus.Joining,
            ProxyPort = 30000,
            StartTime = Seconds(DateTime.UtcNow),
            IAmAliveTime = Seconds(DateTime.UtcNow),
            SuspectTimes = [],
        };
    }

    public static MembershipEntry Insertable(MembershipEntry entry, SiloStatus status, DateTime time)
    {
        entry.Status = status;
        entry.StartTime = Seconds(time);
        entry.IAmAliveTime = Seconds(time);
        return entry;
    }

    public static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.RoleName, actual.RoleName);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.UpdateZone, actual.UpdateZone);
        Assert.Equal(expected.FaultZone, actual.FaultZone);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(
            (expected.SuspectTimes ?? []).Select(v => (v.Item1, v.Item2)),
            (actual.SuspectTimes ?? []).Select(v => (v.Item1, v.Item2)));
    }
}
