using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EvSwap.Testing;

/// <summary>
/// A throwaway PKI made at test time (no private key is ever committed): a CA, a broker certificate for
/// 127.0.0.1/localhost and client certificates signed by it, written as PEM files the way IoT Core hands them out.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey;
    private readonly X509Certificate2 _ca;

    private TestCertificates(string directory, string name)
    {
        Directory = directory;
        Name = name;
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=EvSwap test CA {name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        CaFile = Path.Combine(directory, $"{name}-ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
    }

    public string Directory { get; }
    public string Name { get; }
    public string CaFile { get; }

    /// <summary>A new CA in <paramref name="directory"/>; <paramref name="name"/> keeps two CAs' files apart.</summary>
    public static TestCertificates CreateAuthority(string directory, string name = "main")
    {
        System.IO.Directory.CreateDirectory(directory);
        return new TestCertificates(directory, name);
    }

    /// <summary>A broker (server) certificate for loopback, signed by this CA.</summary>
    public PemPair IssueServer(string name = "broker")
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        return Issue(name, "CN=localhost", san.Build(), new Oid("1.3.6.1.5.5.7.3.1"));
    }

    /// <summary>A client certificate (a station's, or the bridge's), signed by this CA.</summary>
    public PemPair IssueClient(string commonName) => Issue(commonName, $"CN={commonName}", null, new Oid("1.3.6.1.5.5.7.3.2"));

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }

    private PemPair Issue(string fileName, string subject, X509Extension? san, Oid usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var cert = request.Create(_ca, _ca.NotBefore, _ca.NotAfter.AddDays(-1), serial);
        var pair = new PemPair(Path.Combine(Directory, $"{Name}-{fileName}.crt"), Path.Combine(Directory, $"{Name}-{fileName}.key"));
        File.WriteAllText(pair.CertFile, cert.ExportCertificatePem());
        File.WriteAllText(pair.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return pair;
    }
}

/// <summary>PEM files of a certificate and its private key.</summary>
public sealed record PemPair(string CertFile, string KeyFile);
