using System.ComponentModel.DataAnnotations;

namespace Beacon.Web.Infrastructure;

/// <summary>The <c>Auth</c> configuration section: how bearer tokens are validated.</summary>
public sealed class AuthOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>
    /// The signing key in appsettings.Development.json. It is public (it is in the repository and in every image), so
    /// anyone could sign tokens with it: a node outside Development refuses to start with it.
    /// </summary>
    internal const string PublicDevelopmentKey = "beacon-development-signing-key-change-me-0123456789";

    /// <summary>
    /// An OpenID Connect authority whose keys sign tokens, as an absolute <c>https</c> URL; when set,
    /// <see cref="SigningKey"/> is not used.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>A symmetric HMAC-SHA256 key (at least 32 bytes) for tokens signed by this app or a trusted issuer.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The expected <c>iss</c>.</summary>
    [Required]
    public string Issuer { get; set; } = "beacon";

    /// <summary>The expected <c>aud</c>.</summary>
    [Required]
    public string Audience { get; set; } = "beacon";

    /// <summary>How long a one-time stream ticket (<c>POST /api/sse/ticket</c>) stays valid.</summary>
    [Range(5, 600)]
    public int TicketLifetimeSeconds { get; set; } = 30;

    /// <summary>Allowed clock difference when checking token lifetimes.</summary>
    [Range(0, 600)]
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// How long a token found valid is remembered, so that its next requests skip the signature check and parsing;
    /// never past the token's <c>exp</c>. 0 checks every request in full.
    /// </summary>
    [Range(0, 3600)]
    public int ValidatedTokenCacheSeconds { get; set; } = 60;

    /// <summary>How many validated tokens are remembered at most; when full, the cache starts again empty.</summary>
    [Range(1, 1_000_000)]
    public int ValidatedTokenCacheSize { get; set; } = 1000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Authority) && (SigningKey is null || System.Text.Encoding.UTF8.GetByteCount(SigningKey) < 32))
        {
            yield return new ValidationResult("Configure Auth:Authority, or Auth:SigningKey with at least 32 bytes.", [nameof(SigningKey)]);
        }

        // The bearer handler reads the authority's discovery document over HTTPS only, and checks that when it is
        // first used: anything else would start the node and then answer 500 to every request that carries a token.
        if (!string.IsNullOrWhiteSpace(Authority)
            && !(Uri.TryCreate(Authority, UriKind.Absolute, out var authority) && authority.Scheme == Uri.UriSchemeHttps))
        {
            yield return new ValidationResult(
                $"Auth:Authority must be an absolute https URL, the OpenID Connect issuer (e.g. https://login.example.com/realms/beacon), not '{Authority}'.",
                [nameof(Authority)]);
        }
    }
}
