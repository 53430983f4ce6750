using System.Data.Common;

namespace Beacon.Application.Common.Exceptions;

/// <summary>
/// Recognises a database that cannot be reached (down, restarting, refusing connections, timing out, locked) in an
/// exception from any ADO.NET provider, however EF Core wrapped it: the request is answered 503 with
/// <c>Retry-After</c>, as a Redis outage is, instead of a 500 that reads as a bug in Beacon, and the outage is
/// reported once per interval rather than once per failed request.
/// </summary>
public static class DatabaseOutage
{
    /// <summary>How long a client is asked to wait before it retries.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Whether <paramref name="exception"/> or one of its inner exceptions is a database outage.</summary>
    public static bool IsOutage(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException db && (db.IsTransient || IsUnreachable(db.SqlState)))
            {
                return true;
            }
        }

        return false;
    }

    // SQLSTATE class 08 is a connection failure and 57P an operator intervention (the server shutting down, crashed,
    // starting, or the session cut): the server is not there for this request, although not every provider marks
    // these transient (a pooled connection cut by a restart).
    private static bool IsUnreachable(string? sqlState) =>
        sqlState is not null && (sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("57P", StringComparison.Ordinal));
}
