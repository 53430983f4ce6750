using System.Security.Cryptography;
using Beacon.Application.Common.Interfaces;

namespace Beacon.Infrastructure.Analytics;

/// <summary>
/// The embedded node's daily salts, in this process only: a restart starts new ones, as the live visitor
/// count starts again at zero. Days before yesterday are dropped as a new day's salt is made.
/// </summary>
internal sealed class InMemoryVisitorSalt : IVisitorSalt
{
    private readonly Lock _gate = new();
    private readonly Dictionary<DateOnly, byte[]> _salts = [];

    public ValueTask<byte[]> ForDayAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_salts.TryGetValue(day, out var salt))
            {
                _salts[day] = salt = RandomNumberGenerator.GetBytes(VisitorSalts.Length);
                foreach (var old in _salts.Keys.Where(d => d < day.AddDays(-1)).ToList())
                {
                    _salts.Remove(old);
                }
            }

            return ValueTask.FromResult(salt);
        }
    }
}
