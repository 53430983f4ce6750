using Beacon.Infrastructure.Realtime.Cluster;

namespace Beacon.UnitTests.Realtime;

public sealed class TopicCountTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(12, 9)]
    [InlineData(int.MaxValue, 1)]
    public void A_topics_figures_read_back_as_written(int connections, int users) =>
        TopicCount.Parse(TopicCount.Format(connections, users)).ShouldBe((connections, users));

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("x 1")]
    [InlineData("-1 2")]
    public void A_value_that_is_not_two_counts_reads_as_none(string stored) =>
        TopicCount.Parse(stored).ShouldBe((0, 0));
}
