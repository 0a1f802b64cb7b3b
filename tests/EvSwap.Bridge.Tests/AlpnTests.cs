using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EvSwap.Bridge;
using EvSwap.Testing;
using MQTTnet;

namespace EvSwap.Bridge.Tests;

/// <summary>
/// IoT Core serves MQTT with client certificates on port 443 only to clients that ask for ALPN protocol
/// <c>x-amzn-mqtt-ca</c>. mosquitto ignores ALPN, so a TLS listener here records what the bridge asks for.
/// </summary>
public sealed class AlpnTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-alpn-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<IReadOnlyList<string>> ProtocolsOfferedAsync(string? alpn)
    {
        using var pki = TestCertificates.CreateAuthority(_dir, "alpn" + Guid.NewGuid().ToString("N")[..6]);
        var server = pki.IssueServer();
        var client = pki.IssueClient("evswap-bridge");
        using var serverCert = X509Certificate2.CreateFromPemFile(server.CertFile, server.KeyFile);
        using var serverCertWithKey = X509CertificateLoader.LoadPkcs12(serverCert.Export(X509ContentType.Pkcs12), null);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var offered = new List<string>();
        var accept = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            using var tls = new SslStream(socket.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = serverCertWithKey,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,

                // The server sees the client's list through its choice: it accepts only the IoT Core protocol.
                ApplicationProtocols = [new SslApplicationProtocol("x-amzn-mqtt-ca")],
            });
            if (tls.NegotiatedApplicationProtocol != default)
            {
                offered.Add(tls.NegotiatedApplicationProtocol.ToString());
            }
        });

        var options = new MqttOptions
        {
            Mode = MqttMode.External,
            Host = "127.0.0.1",
            Port = ((IPEndPoint)listener.LocalEndpoint).Port,
            Tls = new MqttTlsOptions { CaFile = pki.CaFile, CertFile = client.CertFile, KeyFile = client.KeyFile, Alpn = alpn },
        };
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        // Only the TLS handshake matters; this server speaks no MQTT, so the connect itself fails afterwards.
        await Assert.ThrowsAnyAsync<Exception>(() => mqtt.ConnectAsync(MqttClientOptionsFactory.Create(options, "alpn-test"), timeout.Token));
        await accept.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        listener.Stop();
        return offered;
    }

    [Fact]
    public async Task With_Tls_Alpn_set_the_bridge_negotiates_the_iot_core_protocol_for_port_443()
    {
        Assert.Equal(["x-amzn-mqtt-ca"], await ProtocolsOfferedAsync("x-amzn-mqtt-ca"));
    }

    [Fact]
    public async Task Without_Tls_Alpn_the_bridge_asks_for_no_application_protocol()
    {
        Assert.Empty(await ProtocolsOfferedAsync(null));
    }
}
