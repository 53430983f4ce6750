using System.ComponentModel.DataAnnotations;

namespace Beacon.Infrastructure.RateLimiting;

/// <summary>The <c>RateLimiting</c> configuration section. Documented in docs/configuration.md.</summary>
public sealed class RateLimitingOptions : IValidatableObject
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "RateLimiting";

    /// <summary>False turns every limit off (no 429s, no <c>X-RateLimit-*</c> headers).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>New streams (<c>GET /api/sse</c>); defaults to the seed's 5 per 60 s.</summary>
    public RateLimitRule SseConnections { get; set; } = new() { PermitLimit = 5, WindowSeconds = 60 };

    /// <summary>Publishing over HTTP (<c>POST /api/events</c>).</summary>
    public RateLimitRule Publish { get; set; } = new() { PermitLimit = 100, WindowSeconds = 10 };

    /// <summary>
    /// Long-polls (<c>GET /api/events</c>), per user or client address. A polling client asks again as soon as
    /// an answer arrives, and an answer carries everything queued, so ten a second on average (the default) covers a busy stream.
    /// </summary>
    public RateLimitRule LongPolls { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    /// <summary>
    /// One-time stream tickets (<c>POST /api/sse/ticket</c>), per user. Browser clients take one before every SSE or
    /// WebSocket connect, so this sits above <see cref="SseConnections"/> (retries and fallbacks included); it bounds
    /// how many live tickets one token can pile up in the ticket store.
    /// </summary>
    public RateLimitRule Tickets { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };

    /// <summary>Page views (<c>POST /api/analytics/pageview</c>), per user or client address: generous for real browsing, tight for a script.</summary>
    public RateLimitRule PageViews { get; set; } = new() { PermitLimit = 60, WindowSeconds = 60 };

    /// <summary>
    /// Chat writes, per user: starting conversations, sending messages, typing and setting one's presence. Each fans
    /// out to up to 50 members (and a message is stored in each member's history), so a script must not loop on them;
    /// two a second on average is far above a person typing.
    /// </summary>
    public RateLimitRule Messaging { get; set; } = new() { PermitLimit = 120, WindowSeconds = 60 };

    /// <inheritdoc />
    /// <remarks>Data annotations do not recurse into nested objects, so each rule is validated here.</remarks>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, rule) in new[] { (nameof(SseConnections), SseConnections), (nameof(Publish), Publish), (nameof(PageViews), PageViews), (nameof(LongPolls), LongPolls), (nameof(Tickets), Tickets), (nameof(Messaging), Messaging) })
        {
            if (rule is null)
            {
                yield return new ValidationResult($"{SectionName}:{name} is required.", [name]);
                continue;
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(rule, new ValidationContext(rule), results, validateAllProperties: true);
            foreach (var result in results)
            {
                var members = result.MemberNames.Select(m => $"{name}:{m}").ToArray();
                yield return new ValidationResult($"{SectionName}:{string.Join(", ", members)}: {result.ErrorMessage}", members);
            }
        }
    }
}
