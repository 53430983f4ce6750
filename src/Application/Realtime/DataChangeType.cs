namespace Beacon.Application.Realtime;

/// <summary>What happened to an entity, for <c>data_change</c> events. Serialized in lower case.</summary>
public enum DataChangeType
{
    /// <summary>Created.</summary>
    Created,

    /// <summary>Updated.</summary>
    Updated,

    /// <summary>Deleted.</summary>
    Deleted,
}
