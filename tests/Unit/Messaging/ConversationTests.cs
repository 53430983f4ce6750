using Beacon.Domain.Messaging;

namespace Beacon.UnitTests.Messaging;

public sealed class ConversationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_creator_is_a_member_and_duplicates_are_ignored()
    {
        var conversation = Conversation.Start("alice", ["bob", "bob", "alice"], "Plans", Now);

        conversation.Members.Select(m => m.UserId).ShouldBe(["alice", "bob"]);
        conversation.HasMember("bob").ShouldBeTrue();
        conversation.HasMember("carol").ShouldBeFalse();
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "alice" }, null)]
    [InlineData(new[] { "bob" }, "")]
    [InlineData(new[] { "" }, null)]
    public void Invalid_conversations_are_refused(string[] others, string? title) =>
        Should.Throw<ArgumentException>(() => Conversation.Start("alice", others, title, Now));

    [Fact]
    public void At_most_51_members()
    {
        Conversation.Start("alice", Enumerable.Range(0, 50).Select(i => $"u{i}"), null, Now).Members.Count.ShouldBe(51);
        Should.Throw<ArgumentException>(() => Conversation.Start("alice", Enumerable.Range(0, 51).Select(i => $"u{i}"), null, Now));
    }

    [Fact]
    public void Posting_raises_message_sent_to_the_members_and_moves_the_activity()
    {
        var conversation = Conversation.Start("alice", ["bob"], null, Now);

        var message = conversation.Post("bob", "hi", Now.AddMinutes(1));

        conversation.LastMessageAt.ShouldBe(Now.AddMinutes(1));
        conversation.LastActivityAt.ShouldBe(Now.AddMinutes(1));
        var sent = conversation.DomainEvents.ShouldHaveSingleItem().ShouldBeOfType<MessageSent>();
        sent.MessageId.ShouldBe(message.Id);
        sent.MemberIds.ShouldBe(["alice", "bob"]);
    }

    [Fact]
    public void Only_members_post_and_only_real_text()
    {
        var conversation = Conversation.Start("alice", ["bob"], null, Now);

        Should.Throw<InvalidOperationException>(() => conversation.Post("mallory", "hi", Now));
        Should.Throw<ArgumentException>(() => conversation.Post("bob", "  ", Now));
        Should.Throw<ArgumentException>(() => conversation.Post("bob", new string('x', 4001), Now));
        conversation.DomainEvents.ShouldBeEmpty();
    }
}
