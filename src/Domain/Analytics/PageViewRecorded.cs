using Beacon.Domain.Common;

namespace Beacon.Domain.Analytics;

/// <summary>A page view was saved.</summary>
/// <param name="PageViewId">The view.</param>
/// <param name="Path">The path viewed.</param>
/// <param name="VisitorKey">The visitor's opaque key.</param>
/// <param name="OccurredAt">When the view happened.</param>
public sealed record PageViewRecorded(Guid PageViewId, string Path, string VisitorKey, DateTimeOffset OccurredAt) : IDomainEvent;
