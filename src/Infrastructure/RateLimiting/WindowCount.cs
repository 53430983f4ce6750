namespace Beacon.Infrastructure.RateLimiting;

/// <summary>The outcome of counting a request against a window.</summary>
/// <param name="Acquired">Whether the request fits in the window (it is then counted; a rejected one is not).</param>
/// <param name="Count">Permits used in the window, including this request when acquired.</param>
/// <param name="ResetAfter">Time until the window ends.</param>
internal readonly record struct WindowCount(bool Acquired, long Count, TimeSpan ResetAfter);
