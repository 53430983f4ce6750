using System.Security.Claims;
using System.Text;
using Beacon.Web.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Beacon.UnitTests.Auth;

/// <summary>
/// What the cache may and may not skip. A request that the cache answers is told apart from one checked in full by
/// giving the second request parameters with the wrong key: only a cached answer can be valid then.
/// </summary>
public sealed class CachingJsonWebTokenHandlerTests
{
    private const string Key = "unit-test-signing-key-long-enough-0123456789abcdef";
    private const string OtherKey = "another-signing-key-just-as-long-0123456789abcdef";

    // The handler checks lifetimes against the real clock; the cache against this one, started at the real time.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private static TokenValidationParameters Parameters(string key = Key) => new()
    {
        ValidIssuer = "beacon",
        ValidAudience = "beacon",
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
        NameClaimType = "sub",
        RoleClaimType = "role",
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)),
    };

    private static string Token(string user = "alice", TimeSpan? lifetime = null, string? padding = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", user), new("role", "publisher") };
        if (padding is not null)
        {
            claims.Add(new Claim("pad", padding));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = "beacon",
            Audience = "beacon",
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256),
        });
    }

    private CachingJsonWebTokenHandler Handler(int maxAgeSeconds = 60, int capacity = 100) =>
        new(_time, TimeSpan.FromSeconds(maxAgeSeconds), capacity) { MapInboundClaims = false };

    [Fact]
    public async Task A_valid_token_is_checked_once_and_later_requests_are_answered_from_the_cache()
    {
        var handler = Handler();
        var token = Token();

        (await handler.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();
        handler.Count.ShouldBe(1);
        var cached = await handler.ValidateTokenAsync(token, Parameters(OtherKey));

        cached.IsValid.ShouldBeTrue("answered from the cache: a full check with the other key fails");
        cached.SecurityToken.ShouldBeOfType<JsonWebToken>().Subject.ShouldBe("alice");
        cached.ClaimsIdentity.FindFirst("sub")!.Value.ShouldBe("alice");
        cached.ClaimsIdentity.HasClaim("role", "publisher").ShouldBeTrue();
    }

    [Fact]
    public async Task Each_request_gets_its_own_case_sensitive_identity()
    {
        var handler = Handler();
        var token = Token();
        var first = (await handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;

        var second = (await handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;
        second.AddClaim(new Claim("role", "admin"));
        var third = (await handler.ValidateTokenAsync(token, Parameters())).ClaimsIdentity;

        second.ShouldNotBeSameAs(first);
        third.ShouldNotBeSameAs(second);
        first.HasClaim("role", "admin").ShouldBeFalse();
        third.HasClaim("role", "admin").ShouldBeFalse("a claim one request added must not reach the next");
        third.ShouldBeOfType<CaseSensitiveClaimsIdentity>();
        third.HasClaim("ROLE", "publisher").ShouldBeFalse("claim types stay case-sensitive, as the handler made them");
        third.Name.ShouldBe("alice");
        third.AuthenticationType.ShouldBe(first.AuthenticationType);
    }

    [Fact]
    public async Task An_entry_ends_when_its_token_expires()
    {
        var handler = Handler(maxAgeSeconds: 3600);
        var token = Token(lifetime: TimeSpan.FromMinutes(5));
        await handler.ValidateTokenAsync(token, Parameters());

        _time.Advance(TimeSpan.FromMinutes(4));
        (await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid.ShouldBeTrue();
        _time.Advance(TimeSpan.FromMinutes(2));

        (await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid.ShouldBeFalse("checked in full once exp has passed");
        handler.Count.ShouldBe(0);
    }

    [Fact]
    public async Task An_entry_ends_after_the_maximum_age_however_long_its_token_lives()
    {
        var handler = Handler(maxAgeSeconds: 60);
        var token = Token(lifetime: TimeSpan.FromHours(1));
        await handler.ValidateTokenAsync(token, Parameters());

        _time.Advance(TimeSpan.FromSeconds(59));
        (await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid.ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(1));

        (await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid.ShouldBeFalse("checked in full after 60 s");
        (await handler.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();
        (await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid.ShouldBeTrue("held again after the next full check");
    }

    [Fact]
    public async Task A_token_that_fails_is_never_held()
    {
        var handler = Handler();
        var token = Token();

        (await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid.ShouldBeFalse();

        handler.Count.ShouldBe(0);
        (await handler.ValidateTokenAsync(token, Parameters(OtherKey))).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task A_token_that_differs_from_a_held_one_in_one_character_is_checked_in_full()
    {
        var handler = Handler();
        var token = Token();
        await handler.ValidateTokenAsync(token, Parameters());
        // A character inside the signature: the last one has bits that decoding ignores.
        var at = token.Length - 10;
        var tampered = token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];

        var result = await handler.ValidateTokenAsync(tampered, Parameters());

        result.IsValid.ShouldBeFalse();
        handler.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_full_cache_drops_what_expired_first_and_otherwise_starts_again_empty()
    {
        var handler = Handler(maxAgeSeconds: 3600, capacity: 2);
        var shortLived = Token("short", lifetime: TimeSpan.FromMinutes(2));
        var (a, b, c) = (Token("a"), Token("b"), Token("c"));
        await handler.ValidateTokenAsync(shortLived, Parameters());
        await handler.ValidateTokenAsync(a, Parameters());
        _time.Advance(TimeSpan.FromMinutes(3));

        await handler.ValidateTokenAsync(b, Parameters());
        handler.Count.ShouldBe(2, "the expired entry made room");
        (await handler.ValidateTokenAsync(a, Parameters(OtherKey))).IsValid.ShouldBeTrue();
        await handler.ValidateTokenAsync(c, Parameters());

        handler.Count.ShouldBe(1, "nothing had expired, so the cache started again with the newest token");
        (await handler.ValidateTokenAsync(c, Parameters(OtherKey))).IsValid.ShouldBeTrue();
        (await handler.ValidateTokenAsync(a, Parameters(OtherKey))).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task A_token_longer_than_the_limit_is_checked_every_time()
    {
        var handler = Handler();
        var token = Token(padding: new string('x', CachingJsonWebTokenHandler.MaxTokenLength));
        token.Length.ShouldBeGreaterThan(CachingJsonWebTokenHandler.MaxTokenLength);

        (await handler.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        handler.Count.ShouldBe(0);
    }
}
