using Microsoft.Extensions.Options;

namespace EvSwap.Bridge.Tests;

/// <summary>Lease settings that could let two silos share a client id, or leave a silo short of ids, stop the silo at startup.</summary>
public sealed class ClientIdLeaseConfigurationTests
{
    [Theory]
    [InlineData("--Mqtt:ClientIdLeases:RenewInterval=00:00:15", "Mqtt:ClientIdLeases:RenewInterval (00:00:15) must be at most half of LeaseDuration - MaxClockSkew")]
    [InlineData("--Mqtt:ClientIdLeases:MaxClockSkew=00:00:30", "must be at most half of LeaseDuration - MaxClockSkew")]
    [InlineData("--Mqtt:ClientIdLeases:LeaseDuration=00:00:00", "Mqtt:ClientIdLeases:LeaseDuration and RenewInterval must be positive")]
    [InlineData("--Mqtt:ClientIdLeases:MaxSlots=1", "Mqtt:ClientIdLeases:MaxSlots (1) must be at least Mqtt:Connections (2)")]
    [InlineData("--Mqtt:ClientIdPrefix=", "Mqtt:ClientIdPrefix must be 1-100 characters")]
    public void An_external_bridge_with_unsafe_lease_settings_refuses_to_start_and_says_what_to_fix(string arg, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => EvSwap.Silo.SiloApp.Build(["--Mqtt:Mode=External", "--Mqtt:Connections=2", arg]));
        Assert.Contains(ex.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lease_table_name_dynamodb_would_refuse_stops_the_silo_before_it_joins_anything()
    {
        await using var app = EvSwap.Silo.SiloApp.Build(
        [
            "--Mqtt:Mode=External", "--Clustering:Provider=DynamoDB", "--DynamoDB:ServiceUrl=http://127.0.0.1:1", "--DynamoDB:ClientIdLeaseTableName=x",
            $"--urls=http://127.0.0.1:{EvSwap.Testing.FreePort.Next()}",
        ]);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(ex.Failures, f => f.Contains("DynamoDB:ClientIdLeaseTableName 'x' is not a valid DynamoDB table name", StringComparison.Ordinal));
    }
}
