using Beacon.Application.Realtime.Commands.DisconnectUser;

namespace Beacon.UnitTests.Realtime;

public sealed class DisconnectUserValidatorTests
{
    private readonly DisconnectUserValidator _validator = new();

    [Theory]
    [InlineData("alice")]
    [InlineData("user@example.com")]
    public void A_user_id_an_audience_may_name_is_valid(string userId) =>
        _validator.Validate(new DisconnectUserCommand(userId)).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_user_id_is_refused_naming_userId(string userId) =>
        _validator.Validate(new DisconnectUserCommand(userId)).Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("userId");

    [Fact]
    public void A_user_id_longer_than_an_audience_allows_is_refused() =>
        _validator.Validate(new DisconnectUserCommand(new string('u', 257))).IsValid.ShouldBeFalse();
}
