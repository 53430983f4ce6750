using Hangfire.Dashboard;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// Hangfire's own check: only an authenticated caller in the <see cref="Roles.Admin"/> role sees the
/// dashboard. <see cref="JobsDashboard"/> answers the refusals first (401 or 403 as problem+json); this is the
/// second line, should the dashboard ever be mapped without that gate.
/// </summary>
internal sealed class AdminDashboardFilter : IDashboardAsyncAuthorizationFilter
{
    public Task<bool> AuthorizeAsync(DashboardContext context) =>
        Task.FromResult(JobsDashboard.IsAdmin(context.GetHttpContext().User));
}
