namespace Beacon.Application.Common.Interfaces;

/// <summary>The caller of the current request.</summary>
public interface IUser
{
    /// <summary>The caller's user id, or null when anonymous.</summary>
    string? Id { get; }

    /// <summary>Whether the caller has <paramref name="role"/>.</summary>
    bool IsInRole(string role);
}
