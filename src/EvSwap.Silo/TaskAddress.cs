using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;

namespace EvSwap.Silo;

/// <summary>
/// Finds the address this task is reachable at. On Fargate every task has its own ENI; the ECS task metadata
/// endpoint (v4) names its IPv4 address, which is what other silos must dial.
/// </summary>
internal static class TaskAddress
{
    public static IPAddress Discover()
    {
        var metadata = Environment.GetEnvironmentVariable("ECS_CONTAINER_METADATA_URI_V4");
        if (!string.IsNullOrEmpty(metadata))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var doc = JsonDocument.Parse(http.GetStringAsync(metadata).GetAwaiter().GetResult());
            var ip = doc.RootElement.GetProperty("Networks")[0].GetProperty("IPv4Addresses")[0].GetString();
            if (IPAddress.TryParse(ip, out var address))
            {
                return address;
            }
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new InvalidOperationException("Orleans:AdvertisedIp=auto found no ECS task metadata and no non-loopback IPv4 address; set Orleans:AdvertisedIp explicitly.");
    }
}
