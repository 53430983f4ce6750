namespace Beacon.IntegrationTests.Sse;

/// <summary>
/// Each audience reaches exactly its targets. "Nobody else" is proven with the sentinel: a broadcast marker
/// published after the targeted event has reached every client, so anything addressed to them has too.
/// </summary>
public sealed class AudienceTests(BeaconHost host) : IClassFixture<BeaconHost>
{
    [Fact]
    public async Task Broadcast_reaches_every_connection_including_anonymous_ones()
    {
        await using var alice = await host.ConnectAsync(Query.User(Unique.Id("alice")));
        await using var bob = await host.ConnectAsync(Query.Of(("userId", Unique.Id("bob")), ("topics", Unique.Id("t"))));
        await using var anonymous = await host.ConnectAsync();

        var id = await host.PublishAsync("aud.broadcast", new { hello = "everyone" }, Audiences.All);

        foreach (var client in new[] { alice, bob, anonymous })
        {
            var received = await client.Events.WaitForIdAsync(id);
            received.Type.ShouldBe("aud.broadcast");
            received.Str("hello").ShouldBe("everyone");
        }
    }

    [Fact]
    public async Task User_audience_reaches_every_connection_of_that_user_and_no_one_else()
    {
        var alice = Unique.Id("alice");
        await using var aliceTab1 = await host.ConnectAsync(Query.User(alice));
        await using var aliceTab2 = await host.ConnectAsync(Query.User(alice));
        await using var bob = await host.ConnectAsync(Query.User(Unique.Id("bob")));
        await using var anonymous = await host.ConnectAsync();

        var id = await host.PublishAsync("aud.user", new { to = alice }, Audiences.Users(alice));

        await aliceTab1.Events.WaitForIdAsync(id);
        await aliceTab2.Events.WaitForIdAsync(id);
        await host.BroadcastMarkerAndWaitAsync(aliceTab1, aliceTab2, bob, anonymous);
        bob.Events.OfType("aud.user").ShouldBeEmpty();
        anonymous.Events.OfType("aud.user").ShouldBeEmpty();
        aliceTab1.Events.OfType("aud.user").Count.ShouldBe(1);
    }

    [Fact]
    public async Task Users_audience_reaches_each_listed_user_and_no_one_else()
    {
        var (alice, bob, carol) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("carol"));
        await using var aliceClient = await host.ConnectAsync(Query.User(alice));
        await using var bobClient = await host.ConnectAsync(Query.User(bob));
        await using var carolClient = await host.ConnectAsync(Query.User(carol));

        var id = await host.PublishAsync("aud.users", new { n = 1 }, Audiences.Users(alice, bob, Unique.Id("offline")));

        await aliceClient.Events.WaitForIdAsync(id);
        await bobClient.Events.WaitForIdAsync(id);
        await host.BroadcastMarkerAndWaitAsync(aliceClient, bobClient, carolClient);
        carolClient.Events.OfType("aud.users").ShouldBeEmpty();
        aliceClient.Events.OfType("aud.users").Count.ShouldBe(1);
        bobClient.Events.OfType("aud.users").Count.ShouldBe(1);
    }

    [Fact]
    public async Task Topic_audience_reaches_subscribers_once_and_no_one_else()
    {
        var (news, sport, other) = (Unique.Id("news"), Unique.Id("sport"), Unique.Id("other"));
        await using var newsReader = await host.ConnectAsync(Query.Of(("userId", Unique.Id("u")), ("topics", news)));
        await using var bothReader = await host.ConnectAsync(Query.Of(("topics", $"{news}, {sport}")));
        await using var sportReader = await host.ConnectAsync(Query.Of(("topics", sport)));
        await using var otherReader = await host.ConnectAsync(Query.Of(("topics", other)));
        await using var noTopics = await host.ConnectAsync(Query.User(Unique.Id("u")));

        var newsId = await host.PublishAsync("aud.topic", new { topic = "news" }, Audiences.Topics(news));
        var eitherId = await host.PublishAsync("aud.topics", new { topic = "either" }, Audiences.Topics(news, sport));

        await newsReader.Events.WaitForIdAsync(newsId);
        await bothReader.Events.WaitForIdAsync(newsId);
        await host.BroadcastMarkerAndWaitAsync(newsReader, bothReader, sportReader, otherReader, noTopics);
        sportReader.Events.OfType("aud.topic").ShouldBeEmpty();
        otherReader.Events.OfType("aud.topic").ShouldBeEmpty();
        noTopics.Events.OfType("aud.topic").ShouldBeEmpty();

        // An event for two topics reaches a client holding both exactly once.
        bothReader.Events.OfType("aud.topics").Select(e => e.Id).ShouldBe([eitherId]);
        newsReader.Events.OfType("aud.topics").Select(e => e.Id).ShouldBe([eitherId]);
        sportReader.Events.OfType("aud.topics").Select(e => e.Id).ShouldBe([eitherId]);
        otherReader.Events.OfType("aud.topics").ShouldBeEmpty();
        noTopics.Events.OfType("aud.topics").ShouldBeEmpty();
    }

    [Fact]
    public async Task Client_audience_reaches_that_connection_only_not_the_users_other_tabs()
    {
        var alice = Unique.Id("alice");
        await using var tab1 = await host.ConnectAsync(Query.User(alice));
        await using var tab2 = await host.ConnectAsync(Query.User(alice));
        await using var bob = await host.ConnectAsync(Query.User(Unique.Id("bob")));

        var id = await host.PublishAsync("aud.client", new { only = "tab1" }, Audiences.Clients(tab1.ClientId));

        await tab1.Events.WaitForIdAsync(id);
        await host.BroadcastMarkerAndWaitAsync(tab1, tab2, bob);
        tab2.Events.OfType("aud.client").ShouldBeEmpty();
        bob.Events.OfType("aud.client").ShouldBeEmpty();
    }

    [Fact]
    public async Task Metadata_audience_reaches_connections_whose_metadata_contains_every_pair()
    {
        var tenant = Unique.Id("tenant");
        await using var acmePro = await host.ConnectAsync(Query.Of(("tenant", tenant), ("plan", "pro")));
        await using var acmeFree = await host.ConnectAsync(Query.Of(("tenant", tenant), ("plan", "free")));
        await using var otherTenant = await host.ConnectAsync(Query.Of(("tenant", Unique.Id("tenant")), ("plan", "pro")));
        await using var noMetadata = await host.ConnectAsync(Query.User(Unique.Id("u")));

        var tenantId = await host.PublishAsync("aud.meta.tenant", new { }, Audiences.Metadata(new() { ["tenant"] = tenant }));
        var proId = await host.PublishAsync("aud.meta.pro", new { }, Audiences.Metadata(new() { ["tenant"] = tenant, ["plan"] = "pro" }));

        await acmePro.Events.WaitForIdAsync(tenantId);
        await acmeFree.Events.WaitForIdAsync(tenantId);
        await acmePro.Events.WaitForIdAsync(proId);
        await host.BroadcastMarkerAndWaitAsync(acmePro, acmeFree, otherTenant, noMetadata);
        acmeFree.Events.OfType("aud.meta.pro").ShouldBeEmpty();
        otherTenant.Events.OfType("aud.meta.tenant").ShouldBeEmpty();
        otherTenant.Events.OfType("aud.meta.pro").ShouldBeEmpty();
        noMetadata.Events.OfType("aud.meta.tenant").ShouldBeEmpty();
        noMetadata.Events.OfType("aud.meta.pro").ShouldBeEmpty();
    }

    [Fact]
    public async Task Event_for_a_user_with_no_connections_is_accepted_and_reaches_no_one()
    {
        await using var bystander = await host.ConnectAsync(Query.User(Unique.Id("bystander")));

        var id = await host.PublishAsync("aud.nobody", new { }, Audiences.Users(Unique.Id("offline")));

        id.ShouldNotBeNullOrWhiteSpace();
        await host.BroadcastMarkerAndWaitAsync(bystander);
        bystander.Events.OfType("aud.nobody").ShouldBeEmpty();
    }
}
