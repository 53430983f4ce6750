namespace Beacon.Web.Infrastructure;

/// <summary>
/// The 401 of the routes that identify their caller themselves (streams, stats, the demo, the long-poll): the
/// <c>Bearer</c> challenge the JWT scheme's own 401 carries, and a problem with its <c>traceId</c> even when the
/// client accepts only <c>text/event-stream</c> (where ASP.NET Core's problem writer steps aside and the fallback adds none).
/// </summary>
internal static class Unauthenticated
{
    public static IResult Problem(HttpContext context, string? detail = null)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Authentication required.",
            detail: detail,
            extensions: ProblemTraceId.For(context));
    }
}
