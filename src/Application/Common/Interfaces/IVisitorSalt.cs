namespace Beacon.Application.Common.Interfaces;

/// <summary>
/// The secret mixed into a visitor key made from the client's address and user agent: random, one per UTC day,
/// the same on every node, and forgotten after two days. An address hash alone can be reversed by hashing the
/// whole address space; with a salt that no longer exists it cannot, and the same client gets a different key
/// the next day, as in privacy-first web analytics.
/// </summary>
public interface IVisitorSalt
{
    /// <summary>The salt for <paramref name="day"/> (UTC), created on first use.</summary>
    /// <param name="day">The day of the view.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<byte[]> ForDayAsync(DateOnly day, CancellationToken cancellationToken = default);
}
