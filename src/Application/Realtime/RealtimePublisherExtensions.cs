using Beacon.Application.Common.Interfaces;

namespace Beacon.Application.Realtime;

/// <summary>
/// The seed's helper set, as extension methods on <see cref="IRealtimePublisher"/>. Each returns the id
/// of the published event. Payload shapes are documented in docs/events.md.
/// </summary>
public static class RealtimePublisherExtensions
{
    /// <summary>Sends <paramref name="type"/> with <paramref name="data"/> to every connection.</summary>
    public static ValueTask<string> Broadcast<T>(this IRealtimePublisher publisher, string type, T data, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(type, data), Audience.All, ct);

    /// <summary>Sends an event to all connections of one user.</summary>
    public static ValueTask<string> NotifyUser<T>(this IRealtimePublisher publisher, string userId, string type, T data, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(type, data), Audience.User(userId), ct);

    /// <summary>Sends an event to all connections of each listed user.</summary>
    public static ValueTask<string> NotifyUsers<T>(this IRealtimePublisher publisher, IEnumerable<string> userIds, string type, T data, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(type, data), Audience.Users(userIds), ct);

    /// <summary>A <c>system</c> event to everyone: <c>{message, level, timestamp}</c>.</summary>
    public static ValueTask<string> SystemNotification(this IRealtimePublisher publisher, string message, NotificationLevel level = NotificationLevel.Info, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.System, new { message, level, timestamp = DateTimeOffset.UtcNow }), Audience.All, ct);

    /// <summary>An <c>update</c> event <c>{type, data}</c> to the listed users, or to everyone when none are given.</summary>
    public static ValueTask<string> RealtimeUpdate<T>(this IRealtimePublisher publisher, string updateType, T data, IReadOnlyCollection<string>? targetUsers = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Update, new { type = updateType, data }), UsersOrAll(targetUsers), ct);

    /// <summary>A <c>progress</c> event <c>{operationId, progress, message}</c> to one user, or to everyone.</summary>
    public static ValueTask<string> ProgressUpdate(this IRealtimePublisher publisher, string operationId, double progress, string? message = null, string? userId = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Progress, new { operationId, progress = Math.Clamp(progress, 0, 100), message }), UserOrAll(userId), ct);

    /// <summary>A <c>success</c> event <c>{message, data}</c> to one user, or to everyone.</summary>
    public static ValueTask<string> Success(this IRealtimePublisher publisher, string message, object? data = null, string? userId = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Success, new { message, data }), UserOrAll(userId), ct);

    /// <summary>An <c>error</c> event <c>{error, context}</c> to one user, or to everyone.</summary>
    public static ValueTask<string> ErrorNotification(this IRealtimePublisher publisher, string error, IReadOnlyDictionary<string, object?>? context = null, string? userId = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Error, new { error, context }), UserOrAll(userId), ct);

    /// <summary>A <c>job_completed</c> event <c>{jobId, status, details}</c> to the job's owner.</summary>
    public static ValueTask<string> NotifyJobCompletion(this IRealtimePublisher publisher, string jobId, string userId, JobOutcome outcome, IReadOnlyDictionary<string, object?>? details = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.JobCompleted, new { jobId, status = outcome, details }), Audience.User(userId), ct);

    /// <summary>A <c>progress</c> event <c>{operationId, progress, message, metadata}</c> to the operation's owner.</summary>
    public static ValueTask<string> UpdateOperationProgress(this IRealtimePublisher publisher, string operationId, string userId, double progress, string? message = null, IReadOnlyDictionary<string, object?>? metadata = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Progress, new { operationId, progress = Math.Clamp(progress, 0, 100), message, metadata }), Audience.User(userId), ct);

    /// <summary>A <c>system</c> announcement <c>{title, message, level, timestamp}</c> to the listed users, or to everyone.</summary>
    public static ValueTask<string> AnnounceSystemUpdate(this IRealtimePublisher publisher, string title, string message, NotificationLevel severity = NotificationLevel.Info, IReadOnlyCollection<string>? targetUsers = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.System, new { title, message, level = severity, timestamp = DateTimeOffset.UtcNow }), UsersOrAll(targetUsers), ct);

    /// <summary>A <c>data_change</c> event <c>{entityType, entityId, changeType, data}</c> to the affected users, or to everyone.</summary>
    public static ValueTask<string> NotifyDataChange<T>(this IRealtimePublisher publisher, string entityType, string entityId, DataChangeType changeType, T data, IReadOnlyCollection<string>? affectedUsers = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.DataChange, new { entityType, entityId, changeType, data }), UsersOrAll(affectedUsers), ct);

    /// <summary>A <c>message</c> event <c>{conversationId, senderId, preview, metadata}</c> to the recipients.</summary>
    public static ValueTask<string> NotifyNewMessage(this IRealtimePublisher publisher, string conversationId, string senderId, IReadOnlyCollection<string> recipientIds, string messagePreview, IReadOnlyDictionary<string, object?>? metadata = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.Message, new { conversationId, senderId, preview = messagePreview, metadata }), Audience.Users(recipientIds), ct);

    /// <summary>
    /// <c>typing</c> <c>{userId, metadata}</c> for <see cref="UserActivity.Typing"/>, otherwise <c>presence</c>
    /// <c>{userId, status, metadata}</c>; to the context users, or to everyone.
    /// </summary>
    public static ValueTask<string> NotifyUserActivity(this IRealtimePublisher publisher, string userId, UserActivity activity, IReadOnlyCollection<string>? contextUsers = null, IReadOnlyDictionary<string, object?>? metadata = null, CancellationToken ct = default)
    {
        var realtimeEvent = activity == UserActivity.Typing
            ? RealtimeEvent.Create(StandardEventTypes.Typing, new { userId, metadata })
            : RealtimeEvent.Create(StandardEventTypes.Presence, new { userId, status = activity, metadata });
        return publisher.PublishAsync(realtimeEvent, UsersOrAll(contextUsers), ct);
    }

    /// <summary>A <c>metrics_update</c> event <c>{metric, value, change}</c> to the listed users, or to everyone.</summary>
    public static ValueTask<string> NotifyMetricsUpdate(this IRealtimePublisher publisher, string metric, double value, double? change = null, IReadOnlyCollection<string>? targetUsers = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.MetricsUpdate, new { metric, value, change }), UsersOrAll(targetUsers), ct);

    /// <summary>A <c>metrics_update</c> event whose value is text (e.g. a status).</summary>
    public static ValueTask<string> NotifyMetricsUpdate(this IRealtimePublisher publisher, string metric, string value, double? change = null, IReadOnlyCollection<string>? targetUsers = null, CancellationToken ct = default) =>
        publisher.PublishAsync(RealtimeEvent.Create(StandardEventTypes.MetricsUpdate, new { metric, value, change }), UsersOrAll(targetUsers), ct);

    private static Audience UserOrAll(string? userId) => userId is null ? Audience.All : Audience.User(userId);

    // An empty list means "nobody", never "everybody": only null broadcasts, so a bug that loses the
    // recipient list cannot leak an event to every user (Audience.Users rejects the empty list).
    private static Audience UsersOrAll(IReadOnlyCollection<string>? userIds) =>
        userIds is null ? Audience.All : Audience.Users(userIds);
}
