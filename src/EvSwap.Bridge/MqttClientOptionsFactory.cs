using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EvSwap.Contracts;
using MQTTnet;
using MQTTnet.Formatter;

namespace EvSwap.Bridge;

/// <summary>Builds the MQTT 5 client options of one bridge connection, including mutual TLS for IoT Core.</summary>
public static class MqttClientOptionsFactory
{
    /// <summary>
    /// The largest packet the bridge accepts, announced as MQTT 5 Maximum Packet Size in CONNECT: the 128 KiB payload
    /// limit plus room for the fixed header, a 93-byte topic and properties. The broker drops a larger publish for this
    /// connection instead of sending it (counted as delivered), so no client-side buffer ever holds one. A payload just
    /// over the limit still arrives and is dead-lettered as too large.
    /// </summary>
    public const uint MaxPacketSize = TelemetryValidator.MaxPayloadBytes + 4 * 1024;

    public static MqttClientOptions Create(MqttOptions options, string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            // Persistent session: messages published while this connection is down wait for it.
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum((ushort)options.MaxInFlightPerConnection)
            .WithMaximumPacketSize(MaxPacketSize)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(TimeSpan.FromSeconds(10));

        if (options.Mode == MqttMode.External && options.Tls.Enabled)
        {
            builder.WithTlsOptions(CreateTls(options.Tls, options.Host));
        }

        return builder.Build();
    }

    public static MqttClientTlsOptions CreateTls(MqttTlsOptions tls, string host)
    {
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(host)
            .WithSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);

        var client = LoadClientCertificate(tls);
        if (client is not null)
        {
            builder.WithClientCertificates([client]);
        }

        var ca = LoadCa(tls);
        if (ca is not null)
        {
            // Trust exactly the configured CA instead of the machine store: a broker certificate from any other CA
            // is refused even if the OS would accept it.
            builder.WithCertificateValidationHandler(args => ValidateAgainst(ca, args.Certificate, args.SslPolicyErrors));
        }

        if (!string.IsNullOrWhiteSpace(tls.Alpn))
        {
            builder.WithApplicationProtocols([new SslApplicationProtocol(tls.Alpn)]);
        }

        return builder.Build();
    }

    private static X509Certificate2? LoadClientCertificate(MqttTlsOptions tls)
    {
        var certPem = Read(tls.CertPem, tls.CertFile);
        var keyPem = Read(tls.KeyPem, tls.KeyFile);
        if (certPem is null || keyPem is null)
        {
            return null;
        }

        using var ephemeral = X509Certificate2.CreateFromPem(certPem, keyPem);

        // SslStream on Linux needs the key in a persisted form; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2Collection? LoadCa(MqttTlsOptions tls)
    {
        var pem = Read(tls.CaPem, tls.CaFile);
        if (pem is null)
        {
            return null;
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    private static bool ValidateAgainst(X509Certificate2Collection ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static string? Read(string? pem, string? file) =>
        !string.IsNullOrWhiteSpace(pem) ? pem : !string.IsNullOrWhiteSpace(file) ? File.ReadAllText(file) : null;
}
