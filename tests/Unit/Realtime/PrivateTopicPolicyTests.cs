using Beacon.Application.Common.Interfaces;
using Beacon.Infrastructure.Realtime;
using Microsoft.Extensions.Options;

namespace Beacon.UnitTests.Realtime;

public sealed class PrivateTopicPolicyTests
{
    [Theory]
    [InlineData("news", "", true)]
    [InlineData("private:board", "", false)]
    [InlineData("private:board", "private:board", true)]
    [InlineData("private:board", "private:boar", false)]
    [InlineData("private:board", "private:*", true)]
    [InlineData("private:team-1:board", "private:team-1:*", true)]
    [InlineData("private:team-2:board", "private:team-1:*", false)]
    [InlineData("private:board", "*", true)]
    [InlineData("Private:board", "", true)]
    public async Task A_private_topic_needs_a_grant_that_names_it_or_a_prefix_of_it(string topic, string grant, bool allowed)
    {
        var denied = await Policy("private:").DeniedAsync(Request([topic], grant.Length == 0 ? [] : [grant]), CancellationToken.None);
        denied.Count.ShouldBe(allowed ? 0 : 1);
    }

    [Fact]
    public async Task Only_the_refused_topics_are_named()
    {
        var denied = await Policy("team:, org:").DeniedAsync(Request(["news", "team:a", "org:b", "team:c"], ["team:c"]), CancellationToken.None);
        denied.ShouldBe(["team:a", "org:b"]);
    }

    [Fact]
    public async Task No_prefixes_means_every_topic_is_open()
    {
        var denied = await Policy("").DeniedAsync(Request(["private:board", "team:a"], []), CancellationToken.None);
        denied.ShouldBeEmpty();
    }

    private static PrivateTopicPolicy Policy(string prefixes) => new(Options.Create(new RealtimeOptions { PrivateTopicPrefixes = prefixes }));

    private static TopicAccessRequest Request(string[] topics, string[] grants) => new("u", grants, topics);
}
