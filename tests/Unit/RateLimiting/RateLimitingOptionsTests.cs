using System.ComponentModel.DataAnnotations;
using Beacon.Infrastructure.RateLimiting;

namespace Beacon.UnitTests.RateLimiting;

public sealed class RateLimitingOptionsTests
{
    private static List<ValidationResult> Validate(RateLimitingOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void The_defaults_are_valid_and_match_the_documentation()
    {
        var options = new RateLimitingOptions();
        Validate(options).ShouldBeEmpty();
        options.Enabled.ShouldBeTrue();
        (options.SseConnections.PermitLimit, options.SseConnections.WindowSeconds).ShouldBe((5, 60));
        (options.Publish.PermitLimit, options.Publish.WindowSeconds).ShouldBe((100, 10));
    }

    [Fact]
    public void A_rule_out_of_range_is_reported_with_its_setting_name()
    {
        var options = new RateLimitingOptions();
        options.SseConnections.PermitLimit = 0;
        options.Publish.WindowSeconds = 0;

        var errors = Validate(options).Select(r => r.ErrorMessage).ToArray();
        errors.ShouldContain(e => e!.Contains("RateLimiting:SseConnections:PermitLimit"));
        errors.ShouldContain(e => e!.Contains("RateLimiting:Publish:WindowSeconds"));
    }
}
