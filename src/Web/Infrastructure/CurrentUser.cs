using System.Security.Claims;
using Beacon.Application.Common.Interfaces;

namespace Beacon.Web.Infrastructure;

/// <summary>The caller of the current HTTP request, from its validated token.</summary>
internal sealed class CurrentUser(IHttpContextAccessor accessor) : IUser
{
    public string? Id => accessor.HttpContext?.User.GetUserId();

    public bool IsInRole(string role) => accessor.HttpContext?.User.IsInRole(role) ?? false;
}

/// <summary>Reads Beacon's claims.</summary>
internal static class ClaimsPrincipalExtensions
{
    public static string? GetUserId(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue("sub") : null;
}
