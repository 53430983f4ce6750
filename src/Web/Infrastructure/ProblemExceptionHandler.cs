using Beacon.Application.Common.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// Turns the application's exceptions into <c>application/problem+json</c>, so a client's mistake is a
/// 4xx that explains itself, never a 500.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            ValidationException e => new HttpValidationProblemDetails(e.Errors) { Status = 400, Title = "The request is invalid." },
            PayloadTooLargeException e => new ProblemDetails { Status = 413, Title = "The payload is too large.", Detail = e.Message },
            NotFoundException e => new ProblemDetails { Status = 404, Title = "Not found.", Detail = e.Message },
            ForbiddenAccessException e => new ProblemDetails { Status = 403, Title = "Forbidden.", Detail = e.Message },
            ConflictException e => new ProblemDetails { Status = 409, Title = "Conflict.", Detail = e.Message },
            ServiceUnavailableException e => Unavailable(context, e),
            BadHttpRequestException e => BadRequest(e),
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    // Binding wraps Kestrel's body-size 413 in a generic 400; the size limit is the real answer.
    private static ProblemDetails BadRequest(BadHttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return new ProblemDetails { Status = 413, Title = "The request body is too large.", Detail = inner.Message };
            }
        }

        return new ProblemDetails { Status = e.StatusCode, Title = "The request could not be read.", Detail = e.Message };
    }

    private static ProblemDetails Unavailable(HttpContext context, ServiceUnavailableException e)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails { Status = 503, Title = "Service unavailable.", Detail = e.Message };
    }
}
