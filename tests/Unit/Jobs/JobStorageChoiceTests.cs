using Beacon.Infrastructure;
using Beacon.Infrastructure.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Beacon.UnitTests.Jobs;

public sealed class JobStorageChoiceTests
{
    [Theory]
    [InlineData(null, null, null, JobStorageKind.Memory)]
    [InlineData(null, "localhost:6379", null, JobStorageKind.Redis)]
    [InlineData("auto", "localhost:6379", "Host=db", JobStorageKind.Redis)]
    [InlineData(null, null, "Host=db", JobStorageKind.Memory)]
    [InlineData("postgres", null, "Host=db", JobStorageKind.Postgres)]
    [InlineData("Postgres", "localhost:6379", "Host=db", JobStorageKind.Postgres)]
    [InlineData("memory", "localhost:6379", null, JobStorageKind.Memory)]
    public void Picks_the_configured_storage(string? storage, string? redis, string? postgres, JobStorageKind expected) =>
        JobsDependencyInjection.ChooseStorage(Config(storage, redis, postgres)).ShouldBe(expected);

    [Theory]
    [InlineData("postgres", "localhost:6379", null, "ConnectionStrings:Postgres")]
    [InlineData("redis", null, "Host=db", "ConnectionStrings:Redis")]
    [InlineData("sqlserver", null, null, "must be one of")]
    [InlineData("7", null, null, "must be one of")]
    public void Refuses_a_storage_it_cannot_use(string storage, string? redis, string? postgres, string message) =>
        Should.Throw<OptionsValidationException>(() => JobsDependencyInjection.ChooseStorage(Config(storage, redis, postgres))).Message.ShouldContain(message);

    private static IConfiguration Config(string? storage, string? redis, string? postgres) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jobs:Storage"] = storage,
            ["ConnectionStrings:Redis"] = redis,
            ["ConnectionStrings:Postgres"] = postgres,
        }).Build();
}
