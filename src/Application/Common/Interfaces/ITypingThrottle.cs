namespace Beacon.Application.Common.Interfaces;

/// <summary>A "once per interval" gate shared by every node (Redis when configured, this process otherwise).</summary>
public interface ITypingThrottle
{
    /// <summary>True if nothing acquired <paramref name="key"/> within the last <paramref name="interval"/>; then it is acquired.</summary>
    ValueTask<bool> TryAcquireAsync(string key, TimeSpan interval, CancellationToken cancellationToken = default);
}
