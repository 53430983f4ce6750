using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Creates and migrates the database when the app starts, before the server accepts requests (hosted
/// services start before Kestrel). Several nodes may start at once: EF Core's migration lock makes that safe.
/// </summary>
internal sealed partial class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<BeaconDbContext>();
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
        if (pending.Length > 0)
        {
            LogMigrating(logger, context.Database.ProviderName ?? "?", pending.Length, string.Join(", ", pending));
            await context.Database.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) on {Provider}: {Migrations}")]
    private static partial void LogMigrating(ILogger logger, string provider, int count, string migrations);
}
