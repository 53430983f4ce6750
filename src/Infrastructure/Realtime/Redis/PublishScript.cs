namespace Beacon.Infrastructure.Realtime.Redis;

/// <summary>
/// Appends an event to each of its history streams and publishes it, in one atomic script: no node can
/// deliver an event that history lacks, and the global counter gives every event an id that orders it
/// against all others. Trimming uses XDEL (not XADD MAXLEN) because only deletions move the stream's
/// <c>max-deleted-entry-id</c>, which is how replay proves a resume point has no gap.
/// </summary>
internal static class PublishScript
{
    /// <summary>
    /// What both scripts need, in one place so they agree: the epoch (created by whichever script runs first on an empty
    /// Redis) and Redis's own clock in milliseconds, which event ids and the start of history are both read from.
    /// </summary>
    private const string Shared = """
        local function epoch_of(key, new_epoch)
          local epoch = redis.call('GET', key)
          if not epoch then
            epoch = new_epoch
            redis.call('SET', key, epoch)
          end
          return epoch
        end
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        """ + "\n";

    // KEYS: seq, epoch, last, stream...   ARGV: channel, new epoch, max length, max age ms, type, audience, payload, traceparent
    public const string Script = Shared + """
        local epoch = epoch_of(KEYS[2], ARGV[2])
        local ms = now_ms()
        local last = redis.call('GET', KEYS[3])
        if last then
          local lastMs = tonumber(string.match(last, '^(%d+)-'))
          if lastMs > ms then ms = lastMs end
        end
        local seq = redis.call('INCR', KEYS[1])
        local id = string.format('%d-%d', ms, seq)
        local maxLen = tonumber(ARGV[3])
        local maxAge = tonumber(ARGV[4])
        local cutoff = ms - maxAge
        for i = 4, #KEYS do
          local key = KEYS[i]
          redis.call('XADD', key, id, 't', ARGV[5], 'a', ARGV[6], 'd', ARGV[7])
          local len = redis.call('XLEN', key)
          for _ = 1, 64 do
            local first = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)[1]
            local firstMs = tonumber(string.match(first[1], '^(%d+)-'))
            if len <= maxLen and firstMs >= cutoff then break end
            redis.call('XDEL', key, first[1])
            len = len - 1
          end
          redis.call('PEXPIRE', key, maxAge)
        end
        redis.call('SET', KEYS[3], id)
        redis.call('PUBLISH', ARGV[1], epoch .. '\n' .. id .. '\n' .. ARGV[5] .. '\n' .. ARGV[6] .. '\n' .. ARGV[8] .. '\n' .. ARGV[7])
        return { epoch, id }
        """;

    // KEYS: epoch, last   ARGV: new epoch
    /// <summary>
    /// The newest event's id, or, while nothing has been published, the start of history: the epoch (created as the
    /// first publish would create it) and Redis's clock with sequence 0, so a stream that opens on an empty history
    /// still has a resume point and replays whatever comes after it.
    /// </summary>
    public const string HeadScript = Shared + """
        local epoch = epoch_of(KEYS[1], ARGV[1])
        local last = redis.call('GET', KEYS[2])
        if last then return { epoch, last } end
        return { epoch, string.format('%d-0', now_ms()) }
        """;
}
