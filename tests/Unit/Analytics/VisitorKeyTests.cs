using System.Security.Cryptography;
using System.Text;
using Beacon.Application.Analytics;
using Beacon.Infrastructure.Analytics;

namespace Beacon.UnitTests.Analytics;

public sealed class VisitorKeyTests
{
    private const string Fingerprint = "203.0.113.7|Mozilla/5.0";

    [Fact]
    public async Task A_fingerprint_keeps_one_key_through_a_day_and_gets_another_the_next()
    {
        var salts = new InMemoryVisitorSalt();
        var today = new DateOnly(2026, 12, 3);

        var morning = VisitorKey.For(null, null, Fingerprint, await salts.ForDayAsync(today));
        var evening = VisitorKey.For(null, null, Fingerprint, await salts.ForDayAsync(today));
        var tomorrow = VisitorKey.For(null, null, Fingerprint, await salts.ForDayAsync(today.AddDays(1)));

        evening.ShouldBe(morning);
        tomorrow.ShouldNotBe(morning);
        morning.Length.ShouldBe(Beacon.Domain.Analytics.PageView.VisitorKeyLength);
    }

    [Fact]
    public async Task A_fingerprint_key_is_not_the_plain_hash_anyone_could_rebuild_from_an_address()
    {
        var salt = await new InMemoryVisitorSalt().ForDayAsync(new DateOnly(2026, 12, 3));
        var unsalted = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("beacon-visitor\nc:" + Fingerprint)).AsSpan(0, 16));

        VisitorKey.For(null, null, Fingerprint, salt).ShouldNotBe(unsalted);
    }

    [Fact]
    public void User_and_visitor_ids_keep_their_key_whatever_the_day_and_need_no_salt()
    {
        VisitorKey.UsesFingerprint("alice", null).ShouldBeFalse();
        VisitorKey.UsesFingerprint(null, "tab-1").ShouldBeFalse();
        VisitorKey.For("alice", "tab-1", Fingerprint, null).ShouldBe(VisitorKey.For("alice", "tab-2", "other", [1, 2, 3]));
        VisitorKey.For(null, "tab-1", Fingerprint, null).ShouldBe(VisitorKey.For(null, "tab-1", "other", [4, 5, 6]));
        VisitorKey.For("alice", null, Fingerprint, null).ShouldNotBe(VisitorKey.For(null, "alice", Fingerprint, null), "a user id and an equal visitor id are different visitors");
    }

    [Fact]
    public void A_fingerprint_without_the_days_salt_is_refused_rather_than_hashed_plain() =>
        Should.Throw<ArgumentNullException>(() => VisitorKey.For(null, null, Fingerprint, null));

    [Fact]
    public async Task Salts_older_than_yesterday_are_forgotten()
    {
        var salts = new InMemoryVisitorSalt();
        var first = new DateOnly(2026, 12, 1);
        var original = await salts.ForDayAsync(first);
        (await salts.ForDayAsync(first.AddDays(1))).ShouldNotBe(original);

        await salts.ForDayAsync(first.AddDays(2));

        (await salts.ForDayAsync(first)).ShouldNotBe(original, "the salt of two days ago was dropped, so the day gets a new one");
    }
}
