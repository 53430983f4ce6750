// The SSE endpoint a .NET 10 user would write by hand: TypedResults.ServerSentEvents over a bounded channel per
// client, one broadcast loop, a POST to publish. No history, no resume, no auth: the floor Beacon is measured against.
using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var capacity = builder.Configuration.GetValue("QueueCapacity", 1024);
var pingSeconds = builder.Configuration.GetValue("PingIntervalSeconds", 30);
var app = builder.Build();

var clients = new ConcurrentDictionary<long, Client>();
var publishes = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });
long nextClient = 0, nextId = 0;

// Broadcast loop: one reader, copies each message into every matching client's bounded queue.
_ = Task.Run(async () =>
{
    await foreach (var message in publishes.Reader.ReadAllAsync())
    {
        foreach (var client in clients.Values)
        {
            if (message.User is null || message.User == client.User)
            {
                client.Queue.Writer.TryWrite(message.Item); // DropOldest when full: a slow client loses, nobody waits
            }
        }
    }
});

// Heartbeat: a ping event to everyone.
_ = Task.Run(async () =>
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(pingSeconds));
    while (await timer.WaitForNextTickAsync())
    {
        var ping = new SseItem<string>($"{{\"time\":\"{DateTimeOffset.UtcNow:O}\"}}", "ping");
        foreach (var client in clients.Values) client.Queue.Writer.TryWrite(ping);
    }
});

app.MapGet("/sse", (HttpContext context, string? userId) =>
{
    var client = new Client(userId, Channel.CreateBounded<SseItem<string>>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest }));
    var key = Interlocked.Increment(ref nextClient);
    clients[key] = client;
    context.Response.Headers.CacheControl = "no-cache";
    context.Response.Headers["X-Accel-Buffering"] = "no";
    return TypedResults.ServerSentEvents(Stream(client, key, context.RequestAborted));
});

app.MapPost("/publish", async (HttpRequest request, string? user) =>
{
    using var reader = new StreamReader(request.Body);
    var data = await reader.ReadToEndAsync();
    var id = Interlocked.Increment(ref nextId);
    publishes.Writer.TryWrite(new Message(user, new SseItem<string>(data, "bench") { EventId = id.ToString() }));
    return Results.Accepted(value: new { id });
});

// Not the baseline: the floor under any Kestrel-hosted stream's memory (the harness's kestrel-floor system). The
// response is started with one event, then nothing is kept but what Kestrel and ASP.NET Core keep, until the client
// goes.
app.MapGet("/hold", async (HttpContext context) =>
{
    context.Response.ContentType = "text/event-stream";
    context.Response.Headers.CacheControl = "no-cache";
    try
    {
        await context.Response.WriteAsync("event: connected\ndata: {}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Task.Delay(Timeout.Infinite, context.RequestAborted);
    }
    catch (OperationCanceledException)
    {
        // The client went away.
    }
});

app.MapGet("/heap", () => new { heapBytes = GC.GetGCMemoryInfo().HeapSizeBytes, totalMemory = GC.GetTotalMemory(false), clients = clients.Count });

app.Run();

async IAsyncEnumerable<SseItem<string>> Stream(Client client, long key, [EnumeratorCancellation] CancellationToken aborted)
{
    try
    {
        yield return new SseItem<string>("{}", "connected");
        await foreach (var item in client.Queue.Reader.ReadAllAsync(aborted))
        {
            yield return item;
        }
    }
    finally
    {
        clients.TryRemove(key, out _);
    }
}

internal sealed record Client(string? User, Channel<SseItem<string>> Queue);

internal sealed record Message(string? User, SseItem<string> Item);
