using Beacon.Application.Common;
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
        app.MapGet("/api/admin/sse-monitor", GetMonitor).WithTags("Admin").RequireAuthorization(Roles.IsAdmin).Produces<MonitorView>();
        return app;
    }

    private static async Task<IResult> GetMonitor(
        IClusterView cluster, ConnectionRegistry registry, RealtimeCounters counters, NodeIdentity node,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Paging.IsValidPage(page))
        {
            errors["page"] = [Paging.PageRule];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"'pageSize' is 1-{MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        var snapshot = await cluster.GetSnapshotAsync(cancellationToken);
        var local = registry.All;
        var size = pageSize ?? 20;
        var number = page ?? 1;
        var users = snapshot.ConnectionsByUser
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Skip((number - 1) * size).Take(size)
            .Select(p => new UserConnections(p.Key, p.Value))
            .ToList();

        return Results.Ok(new MonitorView(
            Handler: snapshot.Handler,
            InstanceId: node.NodeId,
            Local: new ConnectionCounts(local.Count, local.Where(c => c.UserId is not null).Select(c => c.UserId).Distinct().Count()),
            Global: new ConnectionCounts(snapshot.TotalConnections, snapshot.UniqueUsers),
            Nodes: snapshot.Nodes,
            Users: new UserPage(snapshot.UniqueUsers, number, size, users),
            Totals: new MonitorTotals(
                EventsPublished: counters.EventsPublished,
                EventsSent: snapshot.Nodes.Sum(n => n.EventsSent),
                SlowConsumerDisconnects: snapshot.Nodes.Sum(n => n.SlowConsumerDisconnects))));
    }

    /// <summary>The monitor's answer: this node's and the cluster's counts, each live node, a page of users by connections, totals.</summary>
    internal sealed record MonitorView(string Handler, string InstanceId, ConnectionCounts Local, ConnectionCounts Global, IReadOnlyList<NodeSnapshot> Nodes, UserPage Users, MonitorTotals Totals);

    internal sealed record ConnectionCounts(int Connections, int UniqueUsers);

    internal sealed record UserPage(int Total, int Page, int PageSize, IReadOnlyList<UserConnections> Items);

    internal sealed record UserConnections(string UserId, int Connections);

    internal sealed record MonitorTotals(long EventsPublished, long EventsSent, long SlowConsumerDisconnects);
}
