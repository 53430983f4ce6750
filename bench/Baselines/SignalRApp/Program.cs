// A minimal ASP.NET Core SignalR app as a user would write it: one hub, server-side broadcast and per-user send
// through IHubContext, the user id taken from the query (the bench has no auth), optional Redis backplane.
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var signalR = builder.Services.AddSignalR(o =>
{
    // The bench's raw SSE subscribers never send pings, so do not time them out; the server still pings them.
    o.ClientTimeoutInterval = TimeSpan.FromMinutes(30);
    o.KeepAliveInterval = TimeSpan.FromSeconds(builder.Configuration.GetValue("PingIntervalSeconds", 15));
    o.MaximumParallelInvocationsPerClient = 1;
});
var redis = builder.Configuration.GetConnectionString("Redis");
if (!string.IsNullOrEmpty(redis))
{
    signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("bench"));
}
builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();

var app = builder.Build();
app.MapHub<BenchHub>("/hub");

// Publishing is server-side, as an application would do it: the payload object is sent as the single argument.
app.MapPost("/publish", async (Payload payload, string? user, IHubContext<BenchHub> hub) =>
{
    var clients = user is null ? hub.Clients.All : hub.Clients.User(user);
    await clients.SendAsync("e", payload);
    return Results.Accepted();
});

app.MapGet("/heap", () => new { heapBytes = GC.GetGCMemoryInfo().HeapSizeBytes, totalMemory = GC.GetTotalMemory(false) });

app.Run();

internal sealed class BenchHub : Hub;

internal sealed class QueryUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.GetHttpContext()?.Request.Query["userId"];
}

/// <summary>The bench payload: sequence, publish timestamp, padding.</summary>
internal sealed record Payload(long S, long T, string? P);
