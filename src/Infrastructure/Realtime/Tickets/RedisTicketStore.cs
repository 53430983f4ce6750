using System.Text.Json;
using Beacon.Infrastructure.Realtime.Redis;
using StackExchange.Redis;

namespace Beacon.Infrastructure.Realtime.Tickets;

/// <summary>Tickets in Redis, so a ticket issued by one node opens a stream on any node. GETDEL makes redemption one-time across nodes.</summary>
internal sealed class RedisTicketStore(IConnectionMultiplexer redis) : ITicketStore
{
    private static string Key(string ticket) => "{beacon}:ticket:" + ticket;

    public async Task<string> IssueAsync(StreamTicket ticket, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var value = TicketValue.New();
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(value), JsonSerializer.Serialize(ticket), lifetime);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            throw RedisFailures.Unavailable("No ticket was issued", ex);
        }

        return value;
    }

    public async Task<StreamTicket?> RedeemAsync(string ticket, CancellationToken cancellationToken = default)
    {
        try
        {
            var json = (string?)await redis.GetDatabase().StringGetDeleteAsync(Key(ticket));
            return json is null ? null : JsonSerializer.Deserialize<StreamTicket>(json);
        }
        catch (Exception ex) when (RedisFailures.IsOutage(ex))
        {
            throw RedisFailures.Unavailable("The ticket could not be checked", ex);
        }
    }
}
