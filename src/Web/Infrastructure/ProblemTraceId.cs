using System.Diagnostics;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// The <c>traceId</c> ASP.NET Core's problem writer adds to every problem, for the problems written where it steps
/// aside: a client that accepts only <c>text/event-stream</c> gets the fallback writer, which adds none.
/// </summary>
internal static class ProblemTraceId
{
    /// <summary>The problem extensions holding <paramref name="context"/>'s trace id.</summary>
    public static Dictionary<string, object?> For(HttpContext context) =>
        new() { ["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier };
}
