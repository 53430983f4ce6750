using System.Net;
using System.Text.Json;
using Beacon.IntegrationTests.Infrastructure;

namespace Beacon.IntegrationTests.ScaleOut;

/// <summary>Its own cluster: this test puts Redis back to an older copy of its data.</summary>
public sealed class SnapshotCluster : RedisCluster;

/// <summary>
/// Redis restored from a backup older than what the nodes delivered keeps its epoch but issues sequence numbers again:
/// the open streams are ahead of its history, and events published from then on must not be taken for duplicates.
/// </summary>
public sealed class RedisSnapshotRestoreTests(SnapshotCluster cluster) : IClassFixture<SnapshotCluster>
{
    [Fact]
    public async Task After_a_restore_to_an_older_snapshot_open_streams_are_closed_to_resume_and_new_events_are_not_lost()
    {
        var user = Unique.Id("restored");
        var audience = new { users = new[] { user } };
        await using var client = await cluster.A.ConnectAsync($"userId={user}");
        var first = await cluster.B.PublishAsync("test.first", new { n = 1 }, audience);
        await client.Events.WaitForIdAsync(first);

        var snapshot = cluster.Redis.Snapshot();
        string[] later = [await cluster.B.PublishAsync("test.later", new { n = 2 }, audience), await cluster.B.PublishAsync("test.later", new { n = 3 }, audience)];
        await client.Events.WaitForIdAsync(later[^1]);

        await cluster.Redis.RestoreAsync(snapshot);

        // Published after the restore, with a sequence number the stream has already seen.
        string? afterRestore = null;
        var published = await Eventually.TrueAsync(
            async () =>
            {
                using var response = await cluster.B.PostEventAsync(new { type = "test.after", data = new { n = 4 }, audience });
                afterRestore = response.StatusCode == HttpStatusCode.Accepted ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString() : null;
                return afterRestore is not null;
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(250));
        published.ShouldBeTrue("publishing never recovered after the restore");

        // The stream ahead of Redis's history is closed so that it resumes, rather than left open missing events.
        await client.Events.WaitForEndAsync(TimeSpan.FromSeconds(30));
        client.Events.WithIds.Select(e => e.Id).ShouldNotContain(afterRestore);

        // Resuming from the last id it saw is a reset (that id is newer than anything Redis holds); from the restored
        // history's own point, the event published after the restore is there.
        await using var resumed = await cluster.A.ConnectAsync($"userId={user}", new SseOptions(LastEventId: later[^1]));
        var reset = await resumed.Events.WaitForEventAsync("reset");
        reset.Str("reason").ShouldBe("unknown-id");
        await using var fromSnapshot = await cluster.B.ConnectAsync($"userId={user}", new SseOptions(LastEventId: first));
        await fromSnapshot.Events.WaitForIdAsync(afterRestore!, TimeSpan.FromSeconds(15));
    }
}
