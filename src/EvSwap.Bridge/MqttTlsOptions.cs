namespace EvSwap.Bridge;

public sealed class MqttTlsOptions
{
    /// <summary>PEM file of the CA that signed the broker's certificate (the Amazon root CA for IoT Core).</summary>
    public string? CaFile { get; set; }

    public string? CertFile { get; set; }
    public string? KeyFile { get; set; }

    /// <summary>PEM text instead of files, as ECS injects secrets into environment variables.</summary>
    public string? CaPem { get; set; }

    public string? CertPem { get; set; }
    public string? KeyPem { get; set; }

    /// <summary><c>x-amzn-mqtt-ca</c> for IoT Core on port 443.</summary>
    public string? Alpn { get; set; }

    public bool Enabled => HasAny(CaFile, CertFile, KeyFile, CaPem, CertPem, KeyPem, Alpn);

    private static bool HasAny(params string?[] values) => values.Any(v => !string.IsNullOrWhiteSpace(v));
}
