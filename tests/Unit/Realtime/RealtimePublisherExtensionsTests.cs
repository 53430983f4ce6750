using System.Text;
using System.Text.Json;
using Beacon.Application.Common.Interfaces;
using Beacon.Application.Realtime;
using NSubstitute;

namespace Beacon.UnitTests.Realtime;

public sealed class RealtimePublisherExtensionsTests
{
    private readonly IRealtimePublisher _publisher = Substitute.For<IRealtimePublisher>();
    private RealtimeEvent? _event;
    private Audience? _audience;

    public RealtimePublisherExtensionsTests()
    {
        _publisher.PublishAsync(Arg.Do<RealtimeEvent>(e => _event = e), Arg.Do<Audience>(a => _audience = a), Arg.Any<CancellationToken>())
            .Returns(ValueTask.FromResult("id"));
    }

    private JsonElement Payload => JsonDocument.Parse(Encoding.UTF8.GetString(_event!.Utf8Json.Span)).RootElement;

    [Fact]
    public async Task NotifyUser_targets_that_user_with_the_given_type()
    {
        await _publisher.NotifyUser("u1", "profile_updated", new { message = "hi" });
        _event!.Type.ShouldBe("profile_updated");
        _audience!.Kind.ShouldBe(AudienceKind.Users);
        _audience.Targets.ShouldBe(["u1"]);
        Payload.GetProperty("message").GetString().ShouldBe("hi");
    }

    [Fact]
    public async Task SystemNotification_broadcasts_a_system_event_with_a_lower_case_level()
    {
        await _publisher.SystemNotification("Maintenance at 2 AM", NotificationLevel.Warning);
        _event!.Type.ShouldBe("system");
        _audience.ShouldBeSameAs(Audience.All);
        Payload.GetProperty("level").GetString().ShouldBe("warning");
        Payload.GetProperty("message").GetString().ShouldBe("Maintenance at 2 AM");
    }

    [Fact]
    public async Task NotifyDataChange_goes_to_the_affected_users_only()
    {
        await _publisher.NotifyDataChange("post", "p1", DataChangeType.Updated, new { title = "t" }, ["u1", "u2"]);
        _event!.Type.ShouldBe("data_change");
        _audience!.Targets.ShouldBe(["u1", "u2"]);
        Payload.GetProperty("changeType").GetString().ShouldBe("updated");
        Payload.GetProperty("entityId").GetString().ShouldBe("p1");
    }

    [Fact]
    public async Task An_empty_recipient_list_is_refused_rather_than_broadcast()
    {
        await Should.ThrowAsync<ArgumentException>(async () => await _publisher.RealtimeUpdate("x", 1, []));
        await _publisher.DidNotReceiveWithAnyArgs().PublishAsync(default!, default!, default);
    }

    [Theory]
    [InlineData(UserActivity.Typing, "typing")]
    [InlineData(UserActivity.Online, "presence")]
    [InlineData(UserActivity.Idle, "presence")]
    public async Task NotifyUserActivity_uses_typing_or_presence(UserActivity activity, string type)
    {
        await _publisher.NotifyUserActivity("u1", activity, ["u2"]);
        _event!.Type.ShouldBe(type);
        _audience!.Targets.ShouldBe(["u2"]);
    }

    [Fact]
    public async Task ProgressUpdate_clamps_progress_to_0_100()
    {
        await _publisher.ProgressUpdate("op", 150, "done", "u1");
        Payload.GetProperty("progress").GetDouble().ShouldBe(100);
        _event!.Type.ShouldBe("progress");
    }

    [Fact]
    public async Task NotifyJobCompletion_sends_job_completed_to_the_owner()
    {
        await _publisher.NotifyJobCompletion("j1", "owner", JobOutcome.Failed);
        _event!.Type.ShouldBe("job_completed");
        _audience!.Targets.ShouldBe(["owner"]);
        Payload.GetProperty("status").GetString().ShouldBe("failed");
    }

    [Fact]
    public async Task NotifyMetricsUpdate_carries_metric_value_and_change()
    {
        await _publisher.NotifyMetricsUpdate("visitors", 12, 3);
        _event!.Type.ShouldBe("metrics_update");
        Payload.GetProperty("value").GetDouble().ShouldBe(12);
        Payload.GetProperty("change").GetDouble().ShouldBe(3);
    }
}
