using Beacon.Application.Realtime;
using Beacon.Infrastructure.Realtime.Hub;

namespace Beacon.UnitTests.Realtime;

public sealed class ConnectionRegistryTests
{
    private readonly ConnectionRegistry _registry = new();
    private readonly SseConnection _alice1 = TestConnections.Create("alice", ["news"], new() { ["page"] = "home" });
    private readonly SseConnection _alice2 = TestConnections.Create("alice", ["sport"]);
    private readonly SseConnection _bob = TestConnections.Create("bob", ["news", "sport"], new() { ["page"] = "home", ["lang"] = "en" });
    private readonly SseConnection _anonymous = TestConnections.Create();

    public ConnectionRegistryTests()
    {
        foreach (var connection in new[] { _alice1, _alice2, _bob, _anonymous })
        {
            _registry.TryAdd(connection, 100).ShouldBeTrue();
        }
    }

    [Fact]
    public void All_resolves_every_connection() =>
        _registry.Resolve(Audience.All).ShouldBe([_alice1, _alice2, _bob, _anonymous], ignoreOrder: true);

    [Fact]
    public void User_resolves_all_of_that_users_connections_only() =>
        _registry.Resolve(Audience.User("alice")).ShouldBe([_alice1, _alice2], ignoreOrder: true);

    [Fact]
    public void Users_resolves_each_listed_user() =>
        _registry.Resolve(Audience.Users(["alice", "bob", "nobody"])).ShouldBe([_alice1, _alice2, _bob], ignoreOrder: true);

    [Fact]
    public void Topics_resolve_subscribers_once_even_when_subscribed_to_several() =>
        _registry.Resolve(Audience.Topics(["news", "sport"])).ShouldBe([_alice1, _alice2, _bob], ignoreOrder: true);

    [Fact]
    public void Client_resolves_exactly_that_connection() =>
        _registry.Resolve(Audience.Client(_bob.ClientId)).ShouldBe([_bob]);

    [Fact]
    public void Metadata_resolves_connections_holding_every_pair()
    {
        _registry.Resolve(Audience.Metadata(new Dictionary<string, string> { ["page"] = "home" })).ShouldBe([_alice1, _bob], ignoreOrder: true);
        _registry.Resolve(Audience.Metadata(new Dictionary<string, string> { ["page"] = "home", ["lang"] = "en" })).ShouldBe([_bob]);
    }

    [Fact]
    public void Closing_a_user_closes_each_of_their_connections_and_no_one_elses()
    {
        _registry.CloseUser("alice", CloseReason.Disconnected).ShouldBe(2);

        _alice1.CloseReason.ShouldBe(CloseReason.Disconnected);
        _alice2.CloseReason.ShouldBe(CloseReason.Disconnected);
        _bob.CloseReason.ShouldBe(CloseReason.None);
        _anonymous.CloseReason.ShouldBe(CloseReason.None);
        _registry.CloseUser("nobody", CloseReason.Disconnected).ShouldBe(0);
    }

    [Fact]
    public void Topic_presence_counts_a_topics_connections_and_distinct_users_and_follows_removals()
    {
        var aliceAgain = TestConnections.Create("alice", ["news"]);
        var anonymousReader = TestConnections.Create(null, ["news"]);
        _registry.TryAdd(aliceAgain, 100).ShouldBeTrue();
        _registry.TryAdd(anonymousReader, 100).ShouldBeTrue();

        _registry.TopicPresence("news").ShouldBe((4, 2));
        _registry.Topics.ShouldBe(["news", "sport"], ignoreOrder: true);

        _registry.Remove(_alice1);
        _registry.Remove(aliceAgain);
        _registry.TopicPresence("news").ShouldBe((2, 1));
        _registry.TopicPresence("nothing").ShouldBe((0, 0));
    }

    [Fact]
    public void Unknown_targets_resolve_to_nobody()
    {
        _registry.Resolve(Audience.User("nobody")).ShouldBeEmpty();
        _registry.Resolve(Audience.Topic("nothing")).ShouldBeEmpty();
        _registry.Resolve(Audience.Client("gone")).ShouldBeEmpty();
    }

    [Fact]
    public void Removed_connections_leave_every_index()
    {
        _registry.Remove(_alice1);
        _registry.Resolve(Audience.User("alice")).ShouldBe([_alice2]);
        _registry.Resolve(Audience.Topic("news")).ShouldBe([_bob]);
        _registry.Find(_alice1.ClientId).ShouldBeNull();
        _registry.Count.ShouldBe(3);
        _registry.CountForUser("alice").ShouldBe(1);
    }

    [Fact]
    public void Adding_beyond_the_limit_is_refused()
    {
        var registry = new ConnectionRegistry();
        registry.TryAdd(TestConnections.Create("a"), 1).ShouldBeTrue();
        registry.TryAdd(TestConnections.Create("b"), 1).ShouldBeFalse();
        registry.Count.ShouldBe(1);
    }

    [Fact]
    public void A_user_at_the_per_user_limit_is_refused_while_others_and_anonymous_connections_are_not()
    {
        var registry = new ConnectionRegistry();
        registry.Add(TestConnections.Create("a"), 100, maxPerUser: 2).ShouldBe(RegistryAddResult.Added);
        var second = TestConnections.Create("a");
        registry.Add(second, 100, maxPerUser: 2).ShouldBe(RegistryAddResult.Added);

        registry.Add(TestConnections.Create("a"), 100, maxPerUser: 2).ShouldBe(RegistryAddResult.UserFull);
        registry.Add(TestConnections.Create("b"), 100, maxPerUser: 2).ShouldBe(RegistryAddResult.Added);
        for (var i = 0; i < 3; i++)
        {
            registry.Add(TestConnections.Create(), 100, maxPerUser: 2).ShouldBe(RegistryAddResult.Added);
        }

        registry.CountForUser("a").ShouldBe(2);
        registry.Remove(second);
        registry.Add(TestConnections.Create("a"), 100, maxPerUser: 2).ShouldBe(RegistryAddResult.Added);
    }

    [Fact]
    public void A_users_connections_on_other_nodes_count_against_the_per_user_limit()
    {
        var registry = new ConnectionRegistry();
        registry.Add(TestConnections.Create("a"), 100, maxPerUser: 2, heldElsewhere: 2).ShouldBe(RegistryAddResult.UserFull);
        registry.Add(TestConnections.Create("a"), 100, maxPerUser: 2, heldElsewhere: 1).ShouldBe(RegistryAddResult.Added);
        registry.Add(TestConnections.Create("a"), 100, maxPerUser: 2, heldElsewhere: 1).ShouldBe(RegistryAddResult.UserFull);
        registry.Add(TestConnections.Create(), 100, maxPerUser: 2, heldElsewhere: 5).ShouldBe(RegistryAddResult.Added, "anonymous connections have no cap");
        registry.Add(TestConnections.Create("a"), 100, maxPerUser: 0, heldElsewhere: 5).ShouldBe(RegistryAddResult.Added, "0 turns the cap off");
    }

    [Fact]
    public void No_per_user_limit_when_it_is_zero_and_the_node_limit_comes_first()
    {
        var registry = new ConnectionRegistry();
        for (var i = 0; i < 5; i++)
        {
            registry.Add(TestConnections.Create("a"), 5, maxPerUser: 0).ShouldBe(RegistryAddResult.Added);
        }

        registry.Add(TestConnections.Create("a"), 5, maxPerUser: 1).ShouldBe(RegistryAddResult.NodeFull);
    }

    [Fact]
    public void Deliver_queues_the_same_frame_on_every_recipient()
    {
        var frame = TestConnections.Event(1, Audience.User("alice"));
        _registry.Deliver(frame).ShouldBe(2);
        _alice1.Queue.TryRead(out var a).ShouldBeTrue();
        _alice2.Queue.TryRead(out var b).ShouldBeTrue();
        a.ShouldBeSameAs(frame);
        b.ShouldBeSameAs(frame);
        _bob.Queue.Count.ShouldBe(0);
    }

    [Fact]
    public void A_full_queue_closes_only_that_connection_as_a_slow_consumer()
    {
        var counters = new RealtimeCounters();
        var slow = TestConnections.Create("slow", capacity: 2, counters: counters);
        var registry = new ConnectionRegistry();
        registry.TryAdd(slow, 10);

        registry.Deliver(TestConnections.Event(1, Audience.All)).ShouldBe(1);
        registry.Deliver(TestConnections.Event(2, Audience.All)).ShouldBe(1);
        registry.Deliver(TestConnections.Event(3, Audience.All)).ShouldBe(0);

        slow.CloseReason.ShouldBe(CloseReason.SlowConsumer);
        counters.SlowConsumerDisconnects.ShouldBe(1);
    }
}
