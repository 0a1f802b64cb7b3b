using System.Text;
using EvSwap.Webhooks;

namespace EvSwap.UnitTests;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec-0123456789abcdef";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"a:raised\"}");

    [Fact]
    public void The_header_is_t_and_the_hex_HMAC_of_t_dot_body()
    {
        var header = WebhookSignature.Create(Secret, 1_700_000_000, Body);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1700000000." + Encoding.UTF8.GetString(Body))));
        Assert.Equal($"t=1700000000,v1={expected}", header);
        Assert.True(WebhookSignature.Verify(header, Secret, Body, DateTimeOffset.FromUnixTimeSeconds(1_700_000_010), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_changed_body_another_secret_or_an_old_timestamp_fails_verification()
    {
        var header = WebhookSignature.Create(Secret, 1_700_000_000, Body);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        Assert.False(WebhookSignature.Verify(header, Secret, Encoding.UTF8.GetBytes("{\"id\":\"b:raised\"}"), now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, "another-secret-000", Body, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, Secret, Body, now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("v1=abc", Secret, Body, now, TimeSpan.FromMinutes(5)));
    }
}
