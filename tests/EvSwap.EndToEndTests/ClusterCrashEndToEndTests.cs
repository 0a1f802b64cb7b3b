using EvSwap.Archive.S3;
using EvSwap.Testing;
using Microsoft.Extensions.Options;

namespace EvSwap.EndToEndTests;

/// <summary>
/// Two silo processes on dynalite membership and grain storage and an s3rver archive, sharing one ingest log root. The
/// silo that took the telemetry from its broker is killed with SIGKILL; the survivor replays its log.
/// </summary>
public class ClusterCrashEndToEndTests
{
    private const int Stations = 30;
    private const string Bucket = "evswap-cluster-crash";

    [Theory]
    [InlineData("FileSystem")]
    [InlineData("S3")]
    public async Task A_survivor_replays_a_killed_silos_log_so_every_acknowledged_message_is_archived_once_and_every_swap_counted_once(string logProvider)
    {
        var root = Path.Combine(Path.GetTempPath(), "evswap-cluster-crash-" + Guid.NewGuid().ToString("N"));
        var log = Path.Combine(root, "log");
        await using var dynalite = await StandIns.StartDynaliteAsync();
        await using var s3rver = await StandIns.StartS3rverAsync(Path.Combine(root, "s3"));
        var s3 = new S3Options { Bucket = Bucket, Region = "us-east-1", ServiceUrl = $"http://127.0.0.1:{s3rver.Port}" };
        string[] cluster =
        [
            "--Clustering:Provider=DynamoDB", "--GrainStorage:Provider=DynamoDB",
            $"--DynamoDB:ServiceUrl=http://127.0.0.1:{dynalite.Port}", "--DynamoDB:Region=us-east-1", "--DynamoDB:CreateIfNotExists=true",
            $"--Orleans:ClusterId=crash-{Guid.NewGuid().ToString("N")[..8]}",
            "--Archive:Provider=S3", $"--S3:ServiceUrl={s3.ServiceUrl}", $"--S3:Bucket={Bucket}", "--S3:CreateBucketIfNotExists=true",
            $"--IngestLog:Provider={logProvider}",

            // The publisher below waits for each acknowledgement in turn; a station fleet publishes in parallel.
            "--IngestLog:CommitInterval=00:00:00.020",

            // Declare a killed silo dead within seconds rather than Orleans' production minute.
            "--Orleans:Membership:ProbeTimeout=00:00:02", "--Orleans:Membership:NumMissedProbesLimit=2",
            "--Orleans:Membership:NumVotesForDeathDeclaration=1", "--Orleans:Membership:TableRefreshTimeout=00:00:02",
        ];

        var ids = Enumerable.Range(0, Stations).Select(i => $"cc-{i:D2}").ToList();
        try
        {
            await using var survivor = await SiloProcess.StartAsync(root, log, cluster);
            await using (var victim = await SiloProcess.StartAsync(root, log, cluster))
            {
                await Eventually.GetAsync(() => survivor.Http.GetStringAsync("/health/ready"), _ => true);
                await HardCrashEndToEndTests.PublishAllAsync(victim.MqttPort, ids);

                // Every station answers through the survivor too: some grains live there, the others on the victim.
                foreach (var id in ids)
                {
                    await survivor.WaitForSeqAsync(id, HardCrashEndToEndTests.Messages);
                }

                Assert.True(Signals.KillHard(victim.Process.Id));
                victim.Process.WaitForExit();
            }

            // Orleans holds a silo's vote while its own health is degraded (thread-pool stalls on a loaded machine), so on
            // a busy runner the death declaration can take minutes instead of the seconds configured above.
            var replayed = await Eventually.GetAsync(() => Task.FromResult(survivor.Output), o => o.Contains("stopped cleanly", StringComparison.Ordinal) || o.Contains("died without stopping", StringComparison.Ordinal), TimeSpan.FromSeconds(180));
            Assert.True(replayed.Contains("died without stopping", StringComparison.Ordinal), replayed);

            foreach (var id in ids)
            {
                var counters = (await survivor.WaitForSeqAsync(id, HardCrashEndToEndTests.Messages)).GetProperty("counters");
                Assert.Equal((long)HardCrashEndToEndTests.Messages, counters.GetProperty("messages").GetInt64());
                Assert.Equal((long)HardCrashEndToEndTests.Messages / 5, counters.GetProperty("swapsTotal").GetInt64());
            }

            Assert.True(await survivor.StopAsync(), survivor.Output);
            Assert.Contains("no log is left behind", survivor.Output);

            var expected = ids.SelectMany(id => Enumerable.Range(1, HardCrashEndToEndTests.Messages).Select(seq => (id, 1L, (long)seq))).ToHashSet();
            using var store = new S3ArchiveStore(Options.Create(s3));
            var archived = await Eventually.GetAsync(() => ArchiveContents.TelemetryAsync(store), a => a.Count >= expected.Count, TimeSpan.FromSeconds(15));
            Assert.Equal(expected, archived.ToHashSet());
            Assert.Equal(archived.Count, archived.Distinct().Count());
            Assert.False(Directory.Exists(log) && Directory.GetFiles(log, "*.seg", SearchOption.AllDirectories).Length > 0);
            using var client = S3ArchiveStore.CreateClient(s3);
            Assert.Empty((await client.ListObjectsV2Async(new() { BucketName = Bucket, Prefix = "ingest-log/" })).S3Objects ?? []);
        }
        finally
        {
            TempDirectory.TryDelete(root);
        }
    }
}
