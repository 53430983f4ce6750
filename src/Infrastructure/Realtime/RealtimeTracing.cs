using System.Diagnostics;

namespace Beacon.Infrastructure.Realtime;

/// <summary>
/// Spans for the realtime pipeline: <c>beacon.publish</c> (producer) where an event is accepted and
/// <c>beacon.deliver</c> (consumer) on every node that fans it out. The publish span's context travels with
/// the event — through Redis pub/sub as a W3C <c>traceparent</c> — so one trace shows publish → deliver
/// across nodes.
/// </summary>
internal static class RealtimeTracing
{
    public const string SourceName = "Beacon.Realtime";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartPublish(string type, string audienceKind)
    {
        var activity = Source.StartActivity("beacon.publish", ActivityKind.Producer);
        activity?.SetTag("beacon.event.type", type);
        activity?.SetTag("beacon.audience.kind", audienceKind);
        return activity;
    }

    public static Activity? StartDeliver(string? traceParent, string type)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity("beacon.deliver", ActivityKind.Consumer, parent);
        activity?.SetTag("beacon.event.type", type);
        return activity;
    }
}
