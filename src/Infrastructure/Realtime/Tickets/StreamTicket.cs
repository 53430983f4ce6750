namespace Beacon.Infrastructure.Realtime.Tickets;

/// <summary>Who a one-time stream ticket was issued to, and until when the token behind it is valid.</summary>
/// <param name="UserId">The user the ticket opens a stream for.</param>
/// <param name="TokenExpiresAt">The expiry of the token the ticket was issued against; the stream ends then with <c>token_expired</c>.</param>
/// <param name="TopicGrants">The topics that token grants (<see cref="Application.Common.Interfaces.TopicAccessRequest.Grants"/>); null for none.</param>
public sealed record StreamTicket(string UserId, DateTimeOffset? TokenExpiresAt, IReadOnlyList<string>? TopicGrants = null);
