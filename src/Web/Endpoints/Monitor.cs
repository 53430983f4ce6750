using Beacon.Infrastructure.Realtime;
using Beacon.Infrastructure.Realtime.Cluster;
using Beacon.Infrastructure.Realtime.Hub;
using Beacon.Web.Infrastructure;

namespace Beacon.Web.Endpoints;

/// <summary>The admin SSE monitor: <c>GET /api/admin/sse-monitor</c>.</summary>
internal static class Monitor
{
    private const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapMonitorEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/sse-monitor", GetMonitor).WithTags("Admin").RequireAuthorization(Roles.IsAdmin);
        return app;
    }

    private static async Task<IResult> GetMonitor(
        IClusterView cluster, ConnectionRegistry registry, RealtimeCounters counters, NodeIdentity node,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (page is < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["page"] = ["'page' starts at 1."],
                ["pageSize"] = [$"'pageSize' is 1-{MaxPageSize}."],
            });
        }

        var snapshot = await cluster.GetSnapshotAsync(cancellationToken);
        var local = registry.All;
        var size = pageSize ?? 20;
        var number = page ?? 1;
        var users = snapshot.ConnectionsByUser
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Skip((number - 1) * size).Take(size)
            .Select(p => new { userId = p.Key, connections = p.Value });

        return Results.Ok(new
        {
            handler = snapshot.Handler,
            instanceId = node.NodeId,
            local = new { connections = local.Count, uniqueUsers = local.Where(c => c.UserId is not null).Select(c => c.UserId).Distinct().Count() },
            global = new { connections = snapshot.TotalConnections, uniqueUsers = snapshot.UniqueUsers },
            nodes = snapshot.Nodes.Select(n => new { nodeId = n.NodeId, connections = n.Connections, startedAt = n.StartedAt, lastHeartbeat = n.LastHeartbeat, eventsSent = n.EventsSent, slowConsumerDisconnects = n.SlowConsumerDisconnects }),
            users = new { total = snapshot.UniqueUsers, page = number, pageSize = size, items = users },
            totals = new
            {
                eventsPublished = counters.EventsPublished,
                eventsSent = snapshot.Nodes.Sum(n => n.EventsSent),
                slowConsumerDisconnects = snapshot.Nodes.Sum(n => n.SlowConsumerDisconnects),
            },
        });
    }
}
