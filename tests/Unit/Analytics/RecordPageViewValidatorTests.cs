using Beacon.Application.Analytics.Commands.RecordPageView;

namespace Beacon.UnitTests.Analytics;

public sealed class RecordPageViewValidatorTests
{
    private readonly RecordPageViewValidator _validator = new();

    [Theory]
    [InlineData("/", null, null)]
    [InlineData("/docs/intro?x=1#top", "https://example.com/page", "abc-DEF_123")]
    [InlineData("/ünïcode", "http://localhost:5173/", null)]
    public void Accepts_well_formed_views(string path, string? referrer, string? visitorId) =>
        _validator.Validate(new RecordPageViewCommand(path, referrer, visitorId, "fp")).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData(null, null, null, "path")]
    [InlineData("", null, null, "path")]
    [InlineData("docs", null, null, "path")]
    [InlineData("//host/x", null, null, "path")]
    [InlineData("/a\nb", null, null, "path")]
    [InlineData("/", "ftp://example.com/", null, "referrer")]
    [InlineData("/", "/relative", null, "referrer")]
    [InlineData("/", "", null, "referrer")]
    [InlineData("/", "https://example.com/a\u0000b", null, "referrer")]
    [InlineData("/", null, "", "visitorId")]
    [InlineData("/", null, "a b", "visitorId")]
    [InlineData("/", null, "<script>", "visitorId")]
    public void Refuses_malformed_views(string? path, string? referrer, string? visitorId, string field)
    {
        var result = _validator.Validate(new RecordPageViewCommand(path, referrer, visitorId, "fp"));

        result.IsValid.ShouldBeFalse();
        result.Errors.Select(e => e.PropertyName).ShouldBe([field]);
    }

    [Fact]
    public void Refuses_overlong_values()
    {
        _validator.Validate(new RecordPageViewCommand("/" + new string('a', 2048), null, null, "fp")).IsValid.ShouldBeFalse();
        _validator.Validate(new RecordPageViewCommand("/", null, new string('a', 65), "fp")).IsValid.ShouldBeFalse();
        _validator.Validate(new RecordPageViewCommand("/" + new string('a', 2047), null, new string('a', 64), "fp")).IsValid.ShouldBeTrue();
    }
}
