using System.Globalization;

namespace Beacon.Infrastructure.Realtime.History;

/// <summary>
/// Ids of the embedded (single-node) history: <c>{epoch}-{sequence}</c>. The epoch changes when the
/// process restarts and history is lost, so an id from before the restart is recognised and answered
/// with a reset instead of being mistaken for a position in the new history. Sequence 0 means "before
/// the first event", which is what a reset on an empty history hands out.
/// </summary>
internal static class EmbeddedEventId
{
    public static string NewEpoch() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));

    public static string Format(string epoch, long sequence) => epoch + "-" + sequence.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? id, out string epoch, out long sequence)
    {
        epoch = string.Empty;
        sequence = 0;
        var dash = id?.IndexOf('-') ?? -1;
        if (id is null || dash <= 0 || dash == id.Length - 1)
        {
            return false;
        }

        epoch = id[..dash];
        return long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }
}
