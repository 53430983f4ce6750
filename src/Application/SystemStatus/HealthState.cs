using System.Text.Json.Serialization;

namespace Beacon.Application.SystemStatus;

/// <summary>A component's health. Serialized in lower case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HealthState>))]
public enum HealthState
{
    /// <summary>Working.</summary>
    [JsonStringEnumMemberName("healthy")]
    Healthy,

    /// <summary>Working, but impaired.</summary>
    [JsonStringEnumMemberName("degraded")]
    Degraded,

    /// <summary>Not working.</summary>
    [JsonStringEnumMemberName("unhealthy")]
    Unhealthy,
}
