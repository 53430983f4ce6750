using Beacon.Application.Jobs.Commands.StartJob;

namespace Beacon.UnitTests.Jobs;

public sealed class StartJobValidatorTests
{
    private readonly StartJobValidator _validator = new();

    [Theory]
    [InlineData("import", null, null, null)]
    [InlineData("REPORT", 1, 0, 1)]
    [InlineData("report", 10_000, 360, 10_000)] // the most items, as slow as one hour allows
    [InlineData("report", 360, 10_000, 360)] // the longest pause, as many items as one hour allows
    [InlineData("import", null, null, 20)]
    public void Accepts(string type, int? items, int? delay, int? failAt) =>
        _validator.Validate(new StartJobCommand(type, items, delay, failAt)).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData(null, null, null, null, "type")]
    [InlineData("export", null, null, null, "type")]
    [InlineData("0", null, null, null, "type")]
    [InlineData("import", 0, null, null, "items")]
    [InlineData("import", 10_001, null, null, "items")]
    [InlineData("import", null, -1, null, "delayMs")]
    [InlineData("import", null, 10_001, null, "delayMs")]
    [InlineData("report", 10_000, 361, null, "delayMs")] // over an hour of pauses
    [InlineData("report", 361, 10_000, null, "delayMs")]
    [InlineData("import", 5, null, 6, "failAtItem")]
    [InlineData("import", null, null, 21, "failAtItem")]
    [InlineData("import", null, null, 0, "failAtItem")]
    public void Refuses(string? type, int? items, int? delay, int? failAt, string field)
    {
        var result = _validator.Validate(new StartJobCommand(type, items, delay, failAt));

        result.Errors.Select(e => e.PropertyName).ShouldBe([field]);
    }
}
