using System.Security.Claims;
using System.Text;
using Beacon.Domain.Common;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Beacon.Web.Infrastructure;

/// <summary>Configures JWT bearer validation from <see cref="AuthOptions"/>.</summary>
internal sealed class JwtSetup(IOptions<AuthOptions> auth, TimeProvider time) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options) => Configure(options);

    public void Configure(JwtBearerOptions options)
    {
        var settings = auth.Value;
        options.MapInboundClaims = false;
        if (settings.ValidatedTokenCacheSeconds > 0)
        {
            // One handler per options instance: a changed configuration starts with an empty cache.
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new CachingJsonWebTokenHandler(time, TimeSpan.FromSeconds(settings.ValidatedTokenCacheSeconds), settings.ValidatedTokenCacheSize)
            {
                MapInboundClaims = false,
            });
        }

        if (!string.IsNullOrWhiteSpace(settings.Authority))
        {
            options.Authority = settings.Authority;
        }

        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
            NameClaimType = "sub",
            RoleClaimType = "role",
            // With an authority its published keys are the only trusted ones; a shared key would be a second way in.
            IssuerSigningKey = settings.SigningKey is null || !string.IsNullOrWhiteSpace(settings.Authority) ? null : SigningKey(settings.SigningKey),
        };

        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                // Only where the client cannot set a header (QueryTokenRoutes): anywhere else a URL token is ignored.
                var request = context.Request;
                if (string.IsNullOrEmpty(context.Token) && QueryTokenRoutes.TakesAccessToken(request.Path))
                {
                    if (QueryTokenRoutes.TakesSeedToken(request.Path) && request.Query.TryGetValue(QueryTokenRoutes.SeedTokenParameter, out var seedToken))
                    {
                        context.Token = seedToken.ToString();
                    }

                    if (string.IsNullOrEmpty(context.Token) && request.Query.TryGetValue(QueryTokenRoutes.AccessTokenParameter, out var token))
                    {
                        context.Token = token.ToString();
                    }
                }

                // The Hangfire dashboard is opened by a browser: after the first page its token comes from a cookie.
                if (string.IsNullOrEmpty(context.Token) && JobsDashboard.TryReadCookieToken(context.Request, out var cookieToken))
                {
                    JobsDashboard.NoteCookieToken(context.HttpContext);
                    context.Token = cookieToken;
                }

                return Task.CompletedTask;
            },

            // Every record keyed by a user stores its id: a signed token whose subject no record can hold is refused
            // here, as one 401 for every route, not as a 500 from the first route that stores it.
            OnTokenValidated = context =>
            {
                if (!UserIds.IsValid(context.Principal?.FindFirstValue("sub")))
                {
                    context.Fail(new UnusableSubjectException());
                }

                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                if (context.AuthenticateFailure is UnusableSubjectException failure)
                {
                    context.ErrorDescription = failure.Message;
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>A valid token whose <c>sub</c> is missing, blank, longer than <see cref="UserIds.MaxLength"/> or holds a control character.</summary>
    private sealed class UnusableSubjectException()
        : SecurityTokenValidationException($"The token's subject ('sub') must be 1 to {UserIds.MaxLength} characters, without control characters.");

    public static SymmetricSecurityKey SigningKey(string key) => new(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Whether <paramref name="request"/> may carry a token in one of the places this scheme reads one from: the
    /// <c>Authorization</c> header, on a <see cref="QueryTokenRoutes"/> route the query's <c>access_token</c> or
    /// <c>token</c> (a percent-encoded key could spell either, so any <c>%</c> counts), or the jobs dashboard's
    /// cookie. When false the scheme can only answer "no result", so a caller may skip running it: a service scope,
    /// the handler and a parse of the query for nothing, on every stream that connects with a ticket or anonymously.
    /// Keep it in step with <see cref="Configure(JwtBearerOptions)"/>.
    /// </summary>
    public static bool MayCarryToken(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderNames.Authorization)
        || (request.QueryString.Value is { } query
            && (query.Contains("token", StringComparison.OrdinalIgnoreCase) || query.Contains('%'))
            && QueryTokenRoutes.TakesAccessToken(request.Path))
        || JobsDashboard.TryReadCookieToken(request, out _);
}
