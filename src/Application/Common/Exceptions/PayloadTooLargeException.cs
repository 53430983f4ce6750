namespace Beacon.Application.Common.Exceptions;

/// <summary>An event payload is larger than the configured limit; maps to 413.</summary>
public sealed class PayloadTooLargeException(int actualBytes, int limitBytes)
    : Exception($"The event payload is {actualBytes} bytes; the limit is {limitBytes} bytes.")
{
    /// <summary>The payload's size in UTF-8 bytes.</summary>
    public int ActualBytes { get; } = actualBytes;

    /// <summary>The configured limit.</summary>
    public int LimitBytes { get; } = limitBytes;
}
