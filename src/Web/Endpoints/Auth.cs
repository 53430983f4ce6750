using System.Security.Claims;
using Beacon.Domain.Common;
using Beacon.Web.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Beacon.Web.Endpoints;

/// <summary>Development-only token issuing: <c>POST /api/auth/dev-token</c>.</summary>
internal static class Auth
{
    /// <summary>Body of the dev-token request; <c>Topics</c> become the token's private-topic grants (<see cref="TopicGrants"/>).</summary>
    internal sealed record DevTokenRequest(string? UserId, string[]? Roles, int? LifetimeMinutes, string[]? Topics = null);

    /// <summary>The answer: a signed token and when it expires.</summary>
    internal sealed record DevToken(string AccessToken, DateTime ExpiresAt);

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        // Refused, not hidden: a 403 tells an operator exactly why their script stopped working in production. That
        // endpoint reads no body, so whatever is sent (even JSON that would not bind) gets the same answer.
        Delegate handler = app.ServiceProvider.GetRequiredService<IWebHostEnvironment>().IsDevelopment()
            ? IssueDevToken
            : () => Results.Problem(statusCode: 403, title: "Dev tokens are only issued in Development.");
        app.MapPost("/api/auth/dev-token", handler).WithTags("Auth").AllowAnonymous()
            .Produces<DevToken>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static IResult IssueDevToken(DevTokenRequest? request, IOptions<AuthOptions> auth, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(auth.Value.SigningKey))
        {
            return Results.Problem(statusCode: 503, title: "No Auth:SigningKey is configured to sign dev tokens.");
        }

        var errors = new Dictionary<string, string[]>();
        if (!UserIds.IsValid(request?.UserId))
        {
            errors["userId"] = [$"'userId' is required (at most {UserIds.MaxLength} characters, without control characters)."];
        }

        if (request?.Roles?.Any(r => r is not ("user" or Roles.Publisher or Roles.Admin)) == true)
        {
            errors["roles"] = ["Roles are 'user', 'publisher' and 'admin'."];
        }

        if (request?.Topics is { } topics && (topics.Length > SseConnectQuery.MaxTopics || !topics.All(SseConnectQuery.IsValidTopic)))
        {
            errors["topics"] = [$"At most {SseConnectQuery.MaxTopics} topic grants of 1-{SseConnectQuery.MaxValueLength} printable characters each (a name, or a prefix ending in '*')."];
        }

        if (request?.LifetimeMinutes is < 1 or > 24 * 60)
        {
            errors["lifetimeMinutes"] = ["'lifetimeMinutes' must be 1-1440."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new("sub", request!.UserId!) };
        claims.AddRange((request.Roles ?? ["user"]).Distinct().Select(r => new Claim("role", r)));
        claims.AddRange((request.Topics ?? []).Distinct(StringComparer.Ordinal).Select(t => new Claim(TopicGrants.ClaimType, t)));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = auth.Value.Issuer,
            Audience = auth.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(request.LifetimeMinutes ?? 60),
            SigningCredentials = new SigningCredentials(JwtSetup.SigningKey(auth.Value.SigningKey), SecurityAlgorithms.HmacSha256),
        });
        return Results.Ok(new DevToken(token, now.AddMinutes(request.LifetimeMinutes ?? 60)));
    }
}
