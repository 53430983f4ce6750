using Beacon.Application.Common.Exceptions;
using Beacon.Application.Realtime.Commands.PublishEvents;
using Beacon.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;

namespace Beacon.UnitTests.Operations;

/// <summary>A batch stopped part way answers as its failure would, with the events it published listed.</summary>
public sealed class BatchInterruptedProblemTests
{
    private static readonly PublishedBatchEvent[] Published = [new("e-1", false)];

    [Fact]
    public async Task An_outage_part_way_is_its_503_with_retry_after_and_the_published_events()
    {
        var (context, problem) = await HandleAsync(new BatchInterruptedException(Published, new ServiceUnavailableException("Redis is unavailable.", TimeSpan.FromSeconds(5))));

        context.Response.StatusCode.ShouldBe(503);
        context.Response.Headers.RetryAfter.ToString().ShouldBe("5");
        problem.Detail!.ShouldContain("The first 1 events of the batch were published.");
        problem.Extensions["published"].ShouldBe(Published);
    }

    [Fact]
    public async Task A_key_still_in_progress_part_way_is_its_409_with_the_published_events()
    {
        var (context, problem) = await HandleAsync(new BatchInterruptedException(Published, new ConflictException("in progress")));

        context.Response.StatusCode.ShouldBe(409);
        problem.Extensions["published"].ShouldBe(Published);
    }

    private static async Task<(HttpContext Context, Microsoft.AspNetCore.Mvc.ProblemDetails Problem)> HandleAsync(Exception exception)
    {
        var problems = Substitute.For<IProblemDetailsService>();
        ProblemDetailsContext? written = null;
        problems.TryWriteAsync(Arg.Do<ProblemDetailsContext>(c => written = c)).Returns(ValueTask.FromResult(true));
        var context = new DefaultHttpContext();

        (await new ProblemExceptionHandler(problems, NullLogger<ProblemExceptionHandler>.Instance).TryHandleAsync(context, exception, CancellationToken.None)).ShouldBeTrue();
        return (context, written.ShouldNotBeNull().ProblemDetails);
    }
}
