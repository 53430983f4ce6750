using System.Text.Json;
using Beacon.Application.Realtime.Commands.PublishEvent;

namespace Beacon.UnitTests.Realtime;

public sealed class PublishEventValidatorTests
{
    private static readonly JsonElement Data = JsonDocument.Parse("{}").RootElement;
    private readonly PublishEventValidator _validator = new();

    private IEnumerable<string> ErrorsFor(PublishEventCommand command) =>
        _validator.Validate(command).Errors.Select(e => e.PropertyName);

    [Fact]
    public void A_well_formed_command_is_valid() =>
        _validator.Validate(new PublishEventCommand("job.done:v1_x-y", Data, new AudienceSpec(All: true))).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("new\nline")]
    [InlineData("with space")]
    [InlineData("émoji")]
    [InlineData("connected")]
    [InlineData("ping")]
    [InlineData("reset")]
    [InlineData("token_expired")]
    [InlineData("shutdown")]
    public void Invalid_type_names_are_rejected(string? type) =>
        ErrorsFor(new PublishEventCommand(type, Data, new AudienceSpec(All: true))).ShouldContain("type");

    [Theory]
    [InlineData("", false)]
    [InlineData("new\nline", false)]
    [InlineData("émoji", false)]
    [InlineData("8e0f7a12-3b4c-4d5e-9f60-718293a4b5c6", true)]
    [InlineData("order 42 / attempt #1", true)]
    public void Idempotency_keys_are_1_to_255_printable_ascii_characters(string key, bool valid)
    {
        var errors = ErrorsFor(new PublishEventCommand("x", Data, new AudienceSpec(All: true), key));
        if (valid)
        {
            errors.ShouldBeEmpty();
        }
        else
        {
            errors.ShouldContain("Idempotency-Key");
        }

        ErrorsFor(new PublishEventCommand("x", Data, new AudienceSpec(All: true), new string('k', 256))).ShouldContain("Idempotency-Key");
    }

    [Fact]
    public void Type_names_longer_than_64_characters_are_rejected()
    {
        ErrorsFor(new PublishEventCommand(new string('a', 65), Data, new AudienceSpec(All: true))).ShouldContain("type");
        ErrorsFor(new PublishEventCommand(new string('a', 64), Data, new AudienceSpec(All: true))).ShouldBeEmpty();
    }

    [Fact]
    public void Missing_data_is_rejected() =>
        ErrorsFor(new PublishEventCommand("x", null, new AudienceSpec(All: true))).ShouldContain("data");

    [Fact]
    public void Missing_audience_is_rejected() =>
        ErrorsFor(new PublishEventCommand("x", Data, null)).ShouldContain("audience");

    [Theory]
    [MemberData(nameof(BadAudiences))]
    public void Audiences_must_set_exactly_one_valid_member(AudienceSpec audience, string field) =>
        ErrorsFor(new PublishEventCommand("x", Data, audience)).ShouldContain(field);

    public static TheoryData<AudienceSpec, string> BadAudiences() => new()
    {
        { new AudienceSpec(), "audience" },
        { new AudienceSpec(All: false), "audience" },
        { new AudienceSpec(All: true, Users: ["a"]), "audience" },
        { new AudienceSpec(Users: []), "audience.users" },
        { new AudienceSpec(Users: [" "]), "audience.users" },
        { new AudienceSpec(Topics: [new string('t', 257)]), "audience.topics" },
        { new AudienceSpec(Topics: ["news\u0000"]), "audience.topics" },
        { new AudienceSpec(Users: ["al\nice"]), "audience.users" },
        { new AudienceSpec(Metadata: new Dictionary<string, string> { ["page"] = "home\t" }), "audience.metadata" },
        { new AudienceSpec(Clients: [""]), "audience.clients" },
        { new AudienceSpec(Metadata: new Dictionary<string, string>()), "audience.metadata" },
    };
}
