using Beacon.Web.Infrastructure;

namespace Beacon.UnitTests.Operations;

/// <summary>What error reporting strips from URLs and messages before they leave for Sentry.</summary>
public sealed class SecretRedactionTests
{
    [Theory]
    [InlineData("?access_token=eyJ.a.b&x=1", "?access_token=[redacted]&x=1")]
    [InlineData("/api/sse?ticket=abc", "/api/sse?ticket=[redacted]")]
    [InlineData("?TOKEN=abc", "?TOKEN=[redacted]")]
    [InlineData("?acc%65ss_token=eyJ.a.b", "?access_token=[redacted]")]
    [InlineData("?access%5Ftoken=eyJ.a.b&page=2", "?access_token=[redacted]&page=2")]
    [InlineData("?access_token=abc%2Fdef", "?access_token=[redacted]")]
    public void Token_parameters_are_redacted_however_they_are_spelled(string text, string redacted) =>
        ErrorReporting.RedactSecrets(text).ShouldBe(redacted);

    [Theory]
    [InlineData("?my_token_count=3")]
    [InlineData("GET /api/jobs?page=2")]
    public void Other_text_is_left_alone(string text) =>
        ErrorReporting.RedactSecrets(text).ShouldBe(text);
}
