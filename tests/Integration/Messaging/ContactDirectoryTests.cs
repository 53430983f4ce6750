using System.Diagnostics;
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
    public async Task Contacts_are_the_members_of_conversations_the_user_started_or_posted_in_each_once_without_the_user()
    {
        var (alice, bob, carol, dave, erin) = (Unique.Id("alice"), Unique.Id("bob"), Unique.Id("carol"), Unique.Id("dave"), Unique.Id("erin"));
        var first = await host.StartConversationAsync(alice, bob);
        var second = await host.StartConversationAsync(bob, alice, carol);
        await host.StartConversationAsync(dave, carol);
        await host.SayAsync(carol, second, "hi both");
        await host.SayAsync(carol, second, "again");
        await host.SayAsync(alice, first, "started it and wrote in it: still once");

        var contacts = await ContactsOfAsync(alice, bob, carol, dave, erin);

        // alice started the first; she only belongs to the second (bob started it, she never wrote there).
        contacts[alice].ShouldBe([bob]);
        contacts[bob].Order(StringComparer.Ordinal).ShouldBe(new[] { alice, carol }.Order(StringComparer.Ordinal));
        contacts[carol].Order(StringComparer.Ordinal).ShouldBe(new[] { alice, bob }.Order(StringComparer.Ordinal), "carol wrote in the second, not in dave's");
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
        await host.StartConversationAsync(bob, alice);
        var strangers = Enumerable.Range(0, 40_000).Select(i => Unique.Id($"u{i}"));

        var contacts = await ContactsOfAsync([.. strangers, bob]);

        contacts.Select(g => g.Key).ShouldBe([bob]);
        contacts[bob].ShouldBe([alice]);
    }

    [Fact]
    public async Task A_batch_needs_no_scope_and_builds_no_DbContext()
    {
        // Presence asks once per batch, and a node filling up runs hundreds of batches: a DbContext per batch (whose
        // options this app builds per scope) was about 0.5 KB per connecting user (bench/README.md, session 19).
        var (alice, bob) = (Unique.Id("alice"), Unique.Id("bob"));
        await host.StartConversationAsync(alice, bob);
        using var contexts = new ContextsBuiltHere();

        // From the root provider: the Development host validates scopes, so a scoped directory would throw here.
        var contacts = await host.Services.GetRequiredService<IContactDirectory>().ContactsOfAsync([alice]);

        contacts[alice].ShouldBe([bob]);
        contexts.Count.ShouldBe(0);
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

/// <summary>
/// Counts the EF Core contexts initialised on this test's own async flow (other work in the host, such as jobs, runs
/// on flows of its own and is not counted), through EF Core's diagnostic events.
/// </summary>
internal sealed class ContextsBuiltHere : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly AsyncLocal<ContextsBuiltHere?> Current = new();
    private readonly IDisposable _listeners;
    private readonly List<IDisposable> _subscriptions = [];
    private int _count;

    public ContextsBuiltHere()
    {
        Current.Value = this;
        _listeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public int Count => Volatile.Read(ref _count);

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.EntityFrameworkCore")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == "Microsoft.EntityFrameworkCore.Infrastructure.ContextInitialized" && Current.Value == this)
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        Current.Value = null;
        _listeners.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
