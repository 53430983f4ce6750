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
    /// <summary>Whether <see cref="For"/> will use the client fingerprint, and so needs the day's salt.</summary>
    public static bool UsesFingerprint(string? userId, string? visitorId) => userId is null && visitorId is null;

    /// <summary>The key for a view; the sources are tried in that order.</summary>
    /// <param name="userId">The signed-in user, or null.</param>
    /// <param name="visitorId">The page's id for the visitor, or null.</param>
    /// <param name="clientFingerprint">The client's address and user agent.</param>
    /// <param name="daySalt">
    /// The day's salt (<c>IVisitorSalt</c>), required when the fingerprint is used: the key is then an HMAC under it,
    /// which nobody can reverse once the salt is gone. User and visitor ids are pseudonyms the app already holds, and
    /// keep one key across days.
    /// </param>
    public static string For(string? userId, string? visitorId, string clientFingerprint, byte[]? daySalt)
    {
        byte[] hash;
        if (UsesFingerprint(userId, visitorId))
        {
            ArgumentNullException.ThrowIfNull(daySalt);
            hash = HMACSHA256.HashData(daySalt, Encoding.UTF8.GetBytes("c:" + clientFingerprint));
        }
        else
        {
            var source = userId is not null ? "u:" + userId : "v:" + visitorId;
            hash = SHA256.HashData(Encoding.UTF8.GetBytes("beacon-visitor\n" + source));
        }

        return Convert.ToHexStringLower(hash.AsSpan(0, PageView.VisitorKeyLength / 2));
    }
}
