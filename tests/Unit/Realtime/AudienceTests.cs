using Beacon.Application.Realtime;

namespace Beacon.UnitTests.Realtime;

public sealed class AudienceTests
{
    [Fact]
    public void Targets_are_distinct() => Audience.Users(["a", "a", "b"]).Targets.ShouldBe(["a", "b"]);

    [Fact]
    public void Empty_or_blank_targets_are_refused()
    {
        Should.Throw<ArgumentException>(() => Audience.Users([]));
        Should.Throw<ArgumentException>(() => Audience.Topics([" "]));
        Should.Throw<ArgumentException>(() => Audience.Metadata(new Dictionary<string, string>()));
    }

    [Fact]
    public void Matches_follows_the_kind()
    {
        var metadata = new Dictionary<string, string> { ["page"] = "home" };
        Audience.All.Matches("c", null, [], metadata).ShouldBeTrue();
        Audience.User("u").Matches("c", "u", [], metadata).ShouldBeTrue();
        Audience.User("u").Matches("c", null, [], metadata).ShouldBeFalse();
        Audience.Topic("t").Matches("c", "u", ["t"], metadata).ShouldBeTrue();
        Audience.Client("c").Matches("c", "u", [], metadata).ShouldBeTrue();
        Audience.Client("d").Matches("c", "u", [], metadata).ShouldBeFalse();
        Audience.Metadata(new Dictionary<string, string> { ["page"] = "home" }).Matches("c", null, [], metadata).ShouldBeTrue();
        Audience.Metadata(new Dictionary<string, string> { ["page"] = "admin" }).Matches("c", null, [], metadata).ShouldBeFalse();
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("job_progress", true)]
    [InlineData("a.b:c-d_0", true)]
    [InlineData("", false)]
    [InlineData("A", false)]
    [InlineData("a b", false)]
    [InlineData("a\nb", false)]
    public void Event_type_names_follow_the_rule(string name, bool valid) => EventTypeName.IsValid(name).ShouldBe(valid);
}
