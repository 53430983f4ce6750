using System.Data.Common;
using Beacon.Application.Common.Exceptions;
using Microsoft.EntityFrameworkCore;

namespace Beacon.UnitTests.Operations;

/// <summary>Which database errors are an outage (503, retry) rather than a bug (500), whatever wraps them.</summary>
public sealed class DatabaseOutageTests
{
    [Theory]
    [InlineData("08006", false)] // connection failure
    [InlineData("08001", false)] // could not establish a connection
    [InlineData("57P01", false)] // the server is shutting down
    [InlineData("57P03", false)] // the server is starting
    [InlineData("53300", true)] // too many connections, which the provider marks transient
    [InlineData(null, true)] // a timeout or a locked file, marked transient
    public void An_unreachable_or_transiently_failing_database_is_an_outage(string? sqlState, bool transient)
    {
        var error = new ProviderError(sqlState, transient);

        DatabaseOutage.IsOutage(error).ShouldBeTrue();
        DatabaseOutage.IsOutage(new DbUpdateException("saving failed", error)).ShouldBeTrue();
        DatabaseOutage.IsOutage(new InvalidOperationException("a transient failure, retried", new DbUpdateException("x", error))).ShouldBeTrue();
    }

    [Theory]
    [InlineData("23505")] // unique violation: a bug or a race the code should handle
    [InlineData("42P01")] // undefined table: a missing migration
    [InlineData(null)]
    public void Other_database_errors_are_not(string? sqlState)
    {
        DatabaseOutage.IsOutage(new ProviderError(sqlState, transient: false)).ShouldBeFalse();
        DatabaseOutage.IsOutage(new DbUpdateException("saving failed", new ProviderError(sqlState, transient: false))).ShouldBeFalse();
        DatabaseOutage.IsOutage(new InvalidOperationException("not a database error")).ShouldBeFalse();
    }

    /// <summary>A provider's error with the SQLSTATE and transience given.</summary>
    internal sealed class ProviderError(string? sqlState, bool transient) : DbException("provider error")
    {
        public override string? SqlState => sqlState;

        public override bool IsTransient => transient;
    }
}
