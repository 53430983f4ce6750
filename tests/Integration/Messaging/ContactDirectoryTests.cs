using Beacon.Application.Common.Interfaces;
using Microsoft.Extensions.DependencyInjection;

namespace Beacon.IntegrationTests.Messaging;

/// <summary>
/// The contacts presence is announced to, read with one plain SQL statement per batch: the same answer on
/// PostgreSQL (a <c>text[]</c> parameter) and on the embedded SQLite file (a JSON array).
/// </summary>
public abstract class ContactDirectoryTests(BeaconHost host)
{
    [Fact]
    public async Task Contacts_are_everyone_sharing_a_conversation_each_once_without_the_user()
    {
        var (alice, bob, carol, dave, erin) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("carol"), Unique.Id("dave"), Unique.Id("erin"));
        await host.StartConversationAsync(alice, bob);
        await host.StartConversationAsync(bob, alice, carol);
        await host.StartConversationAsync(dave, carol);

        var contacts = await ContactsOfAsync(alice, bob, carol, dave, erin);

        contacts[alice].Order(StringComparer.Ordinal).ShouldBe(new[] { bob, carol }.Order(StringComparer.Ordinal));
        contacts[bob].Order(StringComparer.Ordinal).ShouldBe(new[] { alice, carol }.Order(StringComparer.Ordinal));
        contacts[carol].Order(StringComparer.Ordinal).ShouldBe(new[] { alice, bob, dave }.Order(StringComparer.Ordinal));
        contacts[dave].ShouldBe([carol]);
        contacts[erin].ShouldBeEmpty("erin is in no conversation");
        contacts.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Only_the_users_asked_about_are_answered()
    {
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await host.StartConversationAsync(alice, bob);

        var contacts = await ContactsOfAsync(alice);

        contacts.Select(g => g.Key).ShouldBe([alice]);
        contacts[alice].ShouldBe([bob]);
    }

    [Fact]
    public async Task No_users_get_an_empty_answer()
    {
        (await ContactsOfAsync()).Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_batch_of_thousands_is_one_statement_whatever_its_size()
    {
        // SQLite binds at most 32,766 parameters (999 before 3.32): a batch that became one parameter per id would fail
        // here. Bob's id has what JSON and SQL escape, so it must survive the trip through the parameter to match.
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bøb 'o' \"q\" \\ ü"));
        await host.StartConversationAsync(alice, bob);
        var strangers = Enumerable.Range(0, 40_000).Select(i => Unique.Id($"u{i}"));

        var contacts = await ContactsOfAsync([.. strangers, bob]);

        contacts.Select(g => g.Key).ShouldBe([bob]);
        contacts[bob].ShouldBe([alice]);
    }

    private async Task<ILookup<string, string>> ContactsOfAsync(params string[] userIds)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IContactDirectory>().ContactsOfAsync(userIds);
    }
}

/// <summary><see cref="ContactDirectoryTests"/> on PostgreSQL.</summary>
public sealed class PostgresContactDirectoryTests(PostgresHost host) : ContactDirectoryTests(host), IClassFixture<PostgresHost>;

/// <summary><see cref="ContactDirectoryTests"/> on the embedded SQLite file.</summary>
public sealed class SqliteContactDirectoryTests(BeaconHost host) : ContactDirectoryTests(host), IClassFixture<BeaconHost>;
