using System.Text.Json;

namespace Beacon.IntegrationTests.Infrastructure;

/// <summary>One event as a client parsed it from the stream.</summary>
/// <param name="Type">The <c>event:</c> field (<c>message</c> when absent).</param>
/// <param name="Id">The <c>id:</c> field of this event, or null when it had none.</param>
/// <param name="Data">The <c>data:</c> payload; empty when the client was told not to keep payloads.</param>
/// <param name="DataBytes">The payload's length in UTF-8 bytes.</param>
public sealed record ReceivedEvent(string Type, string? Id, string Data, int DataBytes)
{
    /// <summary>When the client parsed it (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long ReceivedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>The payload parsed as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();

    /// <summary>A string property of the JSON payload.</summary>
    public string? Str(string property) =>
        Json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An integer property of the JSON payload.</summary>
    public int Int(string property) => Json.GetProperty(property).GetInt32();

    public override string ToString() =>
        $"{Type}#{Id ?? "-"} {(Data.Length > 120 ? Data[..120] + "…" : Data)}";
}
