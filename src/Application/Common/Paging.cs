namespace Beacon.Application.Common;

/// <summary>The page numbers every paged list takes.</summary>
public static class Paging
{
    /// <summary>The highest page number: with 100 items a page, far past any list, and its offset still fits an <c>int</c>.</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>What a page number out of range is told.</summary>
    public const string PageRule = "'page' is 1-1000000.";

    /// <summary>Whether <paramref name="page"/> is absent (the first page) or 1 to <see cref="MaxPage"/>.</summary>
    public static bool IsValidPage(int? page) => page is null or (>= 1 and <= MaxPage);
}
