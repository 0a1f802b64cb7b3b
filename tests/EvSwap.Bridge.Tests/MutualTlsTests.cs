using EvSwap.Bridge;
using EvSwap.Testing;
using MQTTnet;

namespace EvSwap.Bridge.Tests;

/// <summary>The bridge's TLS options against mosquitto requiring client certificates, as IoT Core does.</summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "evswap-mtls-" + Guid.NewGuid().ToString("N"));
    private TestCertificates _pki = null!;
    private TestCertificates _otherPki = null!;
    private Mosquitto _broker = null!;

    public async Task InitializeAsync()
    {
        _pki = TestCertificates.CreateAuthority(_dir, "trusted");
        _otherPki = TestCertificates.CreateAuthority(_dir, "other");
        _broker = await Mosquitto.StartAsync(_dir, tls: (_pki.CaFile, _pki.IssueServer()));
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _pki.Dispose();
        _otherPki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private MqttOptions Options(string caFile, PemPair? client) => new()
    {
        Mode = MqttMode.External,
        Host = "127.0.0.1",
        Port = _broker.Port,
        Tls = new MqttTlsOptions { CaFile = caFile, CertFile = client?.CertFile, KeyFile = client?.KeyFile },
    };

    private static async Task<MqttClientConnectResultCode> ConnectAsync(MqttOptions options)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(MqttClientOptionsFactory.Create(options, "mtls-" + Guid.NewGuid().ToString("N")[..8]));
            await client.DisconnectAsync();
            return result.ResultCode;
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            return MqttClientConnectResultCode.NotAuthorized;
        }
    }

    [Fact]
    public async Task A_client_certificate_from_the_brokers_ca_connects()
    {
        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(Options(_pki.CaFile, _pki.IssueClient("evswap-bridge"))));
    }

    [Fact]
    public async Task A_client_certificate_given_as_pem_text_connects_as_ecs_injects_secrets()
    {
        var pair = _pki.IssueClient("evswap-bridge-env");
        var options = Options(_pki.CaFile, null);
        options.Tls.CertPem = await File.ReadAllTextAsync(pair.CertFile);
        options.Tls.KeyPem = await File.ReadAllTextAsync(pair.KeyFile);

        Assert.Equal(MqttClientConnectResultCode.Success, await ConnectAsync(options));
    }

    [Fact]
    public async Task A_client_certificate_from_another_ca_is_refused()
    {
        Assert.NotEqual(MqttClientConnectResultCode.Success, await ConnectAsync(Options(_pki.CaFile, _otherPki.IssueClient("intruder"))));
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        Assert.NotEqual(MqttClientConnectResultCode.Success, await ConnectAsync(Options(_pki.CaFile, null)));
    }

    [Fact]
    public async Task The_bridge_refuses_a_broker_whose_certificate_is_not_from_the_configured_ca()
    {
        // The client's own certificate is fine; it is the broker that is not trusted.
        Assert.NotEqual(MqttClientConnectResultCode.Success, await ConnectAsync(Options(_otherPki.CaFile, _pki.IssueClient("evswap-bridge"))));
    }
}
