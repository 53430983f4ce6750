using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Beacon.IntegrationTests.Security;

/// <summary>A host with anonymous mode turned on explicitly, in <paramref name="environment"/>, capturing its warnings.</summary>
public abstract class AnonymousModeHost(string environment) : BeaconHost(
    ("Realtime:AllowAnonymous", "true"),
    ("Auth:SigningKey", "anonymous-mode-warning-tests-signing-key-0123"))
{
    /// <summary>What the app logged at Warning or above.</summary>
    public CapturedLogs Warnings { get; } = new(LogLevel.Warning);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(environment);
        builder.ConfigureLogging(logging => logging.AddProvider(Warnings));
    }
}

/// <summary>Anonymous mode turned on in Production.</summary>
public sealed class AnonymousProductionHost() : AnonymousModeHost("Production");

/// <summary>Anonymous mode turned on in Development, where it is the default.</summary>
public sealed class AnonymousDevelopmentHost() : AnonymousModeHost("Development");

/// <summary>
/// Anonymous mode lets anyone claim any user id with <c>?userId=</c>. It is on by default only in Development; an
/// operator who turns it on anywhere else is told, once, at start-up, what that means.
/// </summary>
public sealed class AnonymousModeWarningTests
{
    private const string Warning = "anyone can read any user's events";

    public sealed class InProduction(AnonymousProductionHost host) : IClassFixture<AnonymousProductionHost>
    {
        [Fact]
        public async Task Anonymous_mode_outside_development_logs_one_warning_at_startup()
        {
            // The stream works as configured: the warning informs, it does not refuse.
            await using (var stream = await host.ConnectAsync(Query.User(Unique.Id("anon"))))
            {
                stream.Connected.UserId.ShouldStartWith("anon");
            }

            var warnings = host.Warnings.Lines.Where(l => l.Contains(Warning, StringComparison.Ordinal)).ToArray();
            warnings.ShouldHaveSingleItem(string.Join("\n", host.Warnings.Lines));
            warnings[0].ShouldContain("Realtime:AllowAnonymous");
            warnings[0].ShouldContain("Production");
        }
    }

    public sealed class InDevelopment(AnonymousDevelopmentHost host) : IClassFixture<AnonymousDevelopmentHost>
    {
        [Fact]
        public async Task Anonymous_mode_in_development_logs_no_warning()
        {
            await using (var stream = await host.ConnectAsync(Query.User(Unique.Id("anon"))))
            {
                stream.Connected.UserId.ShouldStartWith("anon");
            }

            host.Warnings.Lines.ShouldNotContain(l => l.Contains(Warning, StringComparison.Ordinal));
        }
    }
}
