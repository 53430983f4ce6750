using System.ComponentModel.DataAnnotations;
using Beacon.Web.Infrastructure;

namespace Beacon.UnitTests.Auth;

public sealed class AuthOptionsTests
{
    private static List<ValidationResult> Validate(AuthOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Theory]
    [InlineData("notaurl")]
    [InlineData("login.example.com/realms/beacon")]
    [InlineData("http://login.example.com/realms/beacon")]
    [InlineData("ftp://login.example.com")]
    public void An_authority_that_is_not_an_absolute_https_url_is_refused_naming_the_setting(string authority)
    {
        var errors = Validate(new AuthOptions { Authority = authority });

        errors.ShouldHaveSingleItem().ErrorMessage.ShouldNotBeNull().ShouldContain("Auth:Authority must be an absolute https URL");
    }

    [Fact]
    public void An_https_authority_is_enough_without_a_signing_key()
    {
        Validate(new AuthOptions { Authority = "https://login.example.com/realms/beacon" }).ShouldBeEmpty();
    }
}
