using Beacon.Web.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Beacon.UnitTests.Realtime;

/// <summary>
/// Every stream route reads its resume point the same way: the <c>Last-Event-ID</c> header before the <c>lastEventId</c>
/// query parameter, one value of at most 256 characters, empty meaning none.
/// </summary>
public sealed class StreamResumePointTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", "", null)]
    [InlineData("e-2", null, "e-2")]
    [InlineData(null, "e-3", "e-3")]
    [InlineData("e-2", "e-3", "e-2")]
    public void The_header_comes_before_the_query(string? header, string? query, string? expected)
    {
        var errors = new Dictionary<string, string[]>();

        SseConnectQuery.ResumePoint(Request(header is null ? [] : [header], query), errors).ShouldBe(expected);

        errors.ShouldBeEmpty();
    }

    /// <summary>Two header lines are not joined into one id ("a,b") that no history knows: the caller is told.</summary>
    [Fact]
    public void Two_Last_Event_ID_headers_are_an_error_not_a_joined_id()
    {
        var errors = new Dictionary<string, string[]>();

        SseConnectQuery.ResumePoint(Request(["e-1", "e-2"], null), errors).ShouldBeNull();

        errors.Keys.ShouldBe(["Last-Event-ID"]);
    }

    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void Either_way_it_takes_at_most_256_characters(int length, bool accepted)
    {
        var id = new string('7', length);
        var fromHeader = new Dictionary<string, string[]>();
        var fromQuery = new Dictionary<string, string[]>();

        SseConnectQuery.ResumePoint(Request([id], null), fromHeader).ShouldBe(accepted ? id : null);
        SseConnectQuery.ResumePoint(Request([], id), fromQuery).ShouldBe(accepted ? id : null);

        fromHeader.Count.ShouldBe(accepted ? 0 : 1);
        fromQuery.Count.ShouldBe(accepted ? 0 : 1);
    }

    private static HttpRequest Request(string[] header, string? query)
    {
        var context = new DefaultHttpContext();
        if (header.Length > 0)
        {
            context.Request.Headers["Last-Event-ID"] = new StringValues(header);
        }

        if (query is not null)
        {
            context.Request.QueryString = QueryString.Create("lastEventId", query);
        }

        return context.Request;
    }
}
