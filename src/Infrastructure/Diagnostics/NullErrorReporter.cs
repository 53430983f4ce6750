using Beacon.Application.Common.Interfaces;

namespace Beacon.Infrastructure.Diagnostics;

/// <summary>The reporter when no error tracker is configured: failures are only logged, nowhere else.</summary>
internal sealed class NullErrorReporter : IErrorReporter
{
    public void Report(Exception? exception, string message, IReadOnlyDictionary<string, string>? tags = null)
    {
    }
}
