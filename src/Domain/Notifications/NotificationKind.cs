namespace Beacon.Domain.Notifications;

/// <summary>What a notification is about, so a client can pick an icon and a colour. Serialized in lower case.</summary>
public enum NotificationKind
{
    /// <summary>Something worth knowing.</summary>
    Info,

    /// <summary>Something went well (a job finished, an answer was accepted).</summary>
    Success,

    /// <summary>Something needs attention soon.</summary>
    Warning,

    /// <summary>Something failed.</summary>
    Error,

    /// <summary>Someone replied, commented or mentioned the user.</summary>
    Message,

    /// <summary>From the platform itself (maintenance, policy changes).</summary>
    System,
}
