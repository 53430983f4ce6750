using Beacon.Infrastructure.Realtime.History;

namespace Beacon.UnitTests.Realtime;

public sealed class EmbeddedEventIdTests
{
    [Fact]
    public void Formats_and_parses_epoch_and_sequence()
    {
        EmbeddedEventId.TryParse(EmbeddedEventId.Format("ab12", 42), out var epoch, out var sequence).ShouldBeTrue();
        epoch.ShouldBe("ab12");
        sequence.ShouldBe(42);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("ab-")]
    [InlineData("ab-+1")]
    [InlineData("ab-1.5")]
    [InlineData("ab-99999999999999999999")]
    public void Rejects_anything_else(string? id) => EmbeddedEventId.TryParse(id, out _, out _).ShouldBeFalse();

    [Fact]
    public void Sequence_zero_means_before_the_first_event() =>
        EmbeddedEventId.TryParse("ab-0", out _, out var sequence).ShouldBeTrue();

    [Fact]
    public void Each_history_gets_its_own_epoch() => EmbeddedEventId.NewEpoch().ShouldNotBe(EmbeddedEventId.NewEpoch());
}
