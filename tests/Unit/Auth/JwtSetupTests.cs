using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Beacon.UnitTests.Auth;

public sealed class JwtSetupTests
{
    private static JwtBearerOptions Configured(int cacheSeconds)
    {
        var auth = new AuthOptions { SigningKey = "unit-test-signing-key-long-enough-0123456789abcdef", ValidatedTokenCacheSeconds = cacheSeconds };
        var options = new JwtBearerOptions();
        new JwtSetup(Options.Create(auth), TimeProvider.System).Configure(options);
        return options;
    }

    [Fact]
    public void By_default_the_bearer_scheme_validates_through_the_cache_without_mapping_claim_types()
    {
        var handler = Configured(cacheSeconds: 60).TokenHandlers.ShouldHaveSingleItem().ShouldBeOfType<CachingJsonWebTokenHandler>();

        handler.MapInboundClaims.ShouldBeFalse("Beacon reads sub and role as the token names them");
    }

    [Fact]
    public void A_cache_time_of_zero_leaves_the_default_handler()
    {
        var handlers = Configured(cacheSeconds: 0).TokenHandlers;

        handlers.ShouldNotBeEmpty();
        handlers.OfType<CachingJsonWebTokenHandler>().ShouldBeEmpty();
        handlers.OfType<JsonWebTokenHandler>().ShouldAllBe(h => !h.MapInboundClaims);
    }
}
