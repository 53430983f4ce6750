using System.Security.Cryptography;

namespace Beacon.Infrastructure.Realtime.Tickets;

/// <summary>Ticket strings: 256 random bits, URL-safe.</summary>
internal static class TicketValue
{
    public const int MaxLength = 64;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
