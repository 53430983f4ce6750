using System.Security.Cryptography;
using System.Text;
using Beacon.Domain.Analytics;

namespace Beacon.Application.Analytics;

/// <summary>
/// Turns whatever identifies a visitor (their user id, a client-chosen visitor id, or as a last resort the
/// client's address and user agent) into an opaque fixed-length key, so raw addresses are never stored.
/// </summary>
internal static class VisitorKey
{
    /// <summary>The key for a view; the sources are tried in that order.</summary>
    public static string For(string? userId, string? visitorId, string clientFingerprint)
    {
        var source = userId is not null ? "u:" + userId
            : visitorId is not null ? "v:" + visitorId
            : "c:" + clientFingerprint;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("beacon-visitor\n" + source));
        return Convert.ToHexStringLower(hash.AsSpan(0, PageView.VisitorKeyLength / 2));
    }
}
