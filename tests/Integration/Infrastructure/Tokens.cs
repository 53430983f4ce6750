using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>Tokens signed by the test itself, for the cases the dev-token endpoint will not issue.</summary>
public static class Tokens
{
    /// <summary>A wrong but well-formed signing key.</summary>
    public const string WrongKey = "not-the-beacon-signing-key-but-long-enough-0123456789";

    /// <summary>A token signed with <paramref name="signingKey"/>; <paramref name="rawExp"/> replaces the expiry with any <c>exp</c> value.</summary>
    public static string Sign(string signingKey, string userId, string[] roles, DateTime? expires = null, DateTime? notBefore = null, long? rawExp = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", userId) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        var issued = notBefore ?? now.AddMinutes(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = "beacon",
            Audience = "beacon",
            IssuedAt = issued,
            NotBefore = issued,
            Expires = rawExp is null ? expires ?? now.AddMinutes(10) : null,
            Claims = rawExp is null ? null : new Dictionary<string, object> { ["exp"] = rawExp.Value },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
