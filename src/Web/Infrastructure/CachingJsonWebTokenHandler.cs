using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// A <see cref="JsonWebTokenHandler"/> that remembers the tokens it found valid, so that a publisher sending the same
/// token with every request has its signature checked, its JSON parsed and its claims built once, not thousands of
/// times a second (the bearer scheme was 8.0 of a publish request's 19.3 KB of allocations, and is 3.7 of 14.9 KB with the
/// cache: bench/README.md "Session 18").
/// </summary>
/// <remarks>
/// An entry lives until the token's own <c>exp</c>, without the clock skew the full check allows (past it the token
/// is checked in full again), and at most <paramref name="maxAge"/>, so that a signing key an authority withdraws
/// stops being honoured within that time. Only valid tokens are held, keyed by their exact text, and each request gets
/// its own copy of the identity, so no request sees another's changes to it. When <paramref name="capacity"/> entries
/// are held and none has expired, the cache starts again empty: many distinct valid tokens (one per browser that
/// connects with <c>access_token</c>) cost a full check each, never unbounded memory.
/// </remarks>
internal sealed class CachingJsonWebTokenHandler(TimeProvider time, TimeSpan maxAge, int capacity) : JsonWebTokenHandler
{
    /// <summary>Longer tokens are checked every time rather than held.</summary>
    internal const int MaxTokenLength = 8 * 1024;

    private readonly ConcurrentDictionary<string, Entry> _valid = new(StringComparer.Ordinal);

    /// <summary>How many tokens are held now (for tests).</summary>
    internal int Count => _valid.Count;

    /// <summary>Whether <paramref name="token"/> is held now (for tests).</summary>
    internal bool Holds(string token) => _valid.ContainsKey(token);

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_valid.TryGetValue(token, out var held))
        {
            if (now < held.ExpiresUtc)
            {
                return held.Result();
            }

            _valid.TryRemove(KeyValuePair.Create(token, held));
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && token.Length <= MaxTokenLength && result.SecurityToken is { } validated)
        {
            // A token validated inside the clock skew after its exp, or one without exp (ValidTo is DateTime.MinValue;
            // the parameters require exp, so none gets here), has an expiry already past: it is not held.
            var limit = now + maxAge;
            var expires = validated.ValidTo < limit ? validated.ValidTo : limit;
            if (now < expires)
            {
                Remember(token, new Entry(Copy(result.ClaimsIdentity), validated, result.Issuer, result.TokenType, expires), now);
            }
        }

        return result;
    }

    private void Remember(string token, Entry entry, DateTime now)
    {
        if (_valid.Count >= capacity)
        {
            foreach (var (key, value) in _valid)
            {
                if (value.ExpiresUtc <= now)
                {
                    _valid.TryRemove(KeyValuePair.Create(key, value));
                }
            }

            if (_valid.Count >= capacity)
            {
                _valid.Clear();
            }
        }

        _valid[token] = entry;
    }

    // ClaimsIdentity.Clone would turn the handler's case-sensitive identity into a case-insensitive one, under which a
    // "Role" claim would count as a "role"; the copy constructor keeps the type and copies every claim. It leaves the
    // identity's own SecurityToken unset (IdentityModel keeps that setter internal); the result carries the token.
    private static ClaimsIdentity Copy(ClaimsIdentity identity) => identity is CaseSensitiveClaimsIdentity sensitive
        ? new CaseSensitiveClaimsIdentity(sensitive)
        : identity.Clone();

    // A class, not a record: the conditional removes above compare entries by reference.
    private sealed class Entry(ClaimsIdentity identity, SecurityToken token, string? issuer, string? tokenType, DateTime expiresUtc)
    {
        public DateTime ExpiresUtc { get; } = expiresUtc;

        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            ClaimsIdentity = Copy(identity),
            SecurityToken = token,
            Issuer = issuer,
            TokenType = tokenType,
        };
    }
}
