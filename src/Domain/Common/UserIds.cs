namespace Beacon.Domain.Common;

/// <summary>What every record keyed by a user (a token's <c>sub</c>) accepts as the user's id.</summary>
public static class UserIds
{
    /// <summary>The longest user id any record stores.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Whether <paramref name="userId"/> is 1 to <see cref="MaxLength"/> characters, not blank, and without control
    /// characters (PostgreSQL's text cannot hold a NUL, and no one's name needs the others).
    /// </summary>
    public static bool IsValid(string? userId) => !string.IsNullOrWhiteSpace(userId) && userId.Length <= MaxLength && !userId.Any(char.IsControl);
}
