using System.Text;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Beacon.Web.Infrastructure;

/// <summary>
/// Checks a JSON body's <c>charset</c> before an endpoint reads it. ASP.NET Core's JSON reader throws on a charset no
/// <see cref="Encoding"/> knows, which was a 500 anyone could cause (the anonymous page-view route included), and
/// does not unquote one, though RFC 9110 makes <c>charset="utf-8"</c> the same value as <c>charset=utf-8</c>. So an
/// unknown charset is answered 415 here, and a quoted one is handed on bare.
/// </summary>
internal static class JsonRequestCharset
{
    /// <summary>Adds the check; before the endpoints, after the exception handler.</summary>
    public static IApplicationBuilder UseJsonRequestCharset(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (await RefuseAsync(context))
        {
            return;
        }

        await next(context);
    });

    /// <summary>True when the request was answered 415; otherwise its <c>Content-Type</c> may have been rewritten.</summary>
    private static async ValueTask<bool> RefuseAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType
            || !contentType.Contains("charset", StringComparison.OrdinalIgnoreCase)
            || !request.HasJsonContentType()
            || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || mediaType.Charset is not { HasValue: true } quoted)
        {
            return false;
        }

        var charset = HeaderUtilities.RemoveQuotes(quoted);
        if (Knows(charset))
        {
            if (charset.Length != quoted.Length)
            {
                mediaType.Charset = charset;
                request.ContentType = mediaType.ToString();
            }

            return false;
        }

        await Results.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "The body's charset is not supported.",
            detail: $"No decoder here knows the charset '{charset}'; send the JSON as UTF-8.").ExecuteAsync(context);
        return true;
    }

    private static bool Knows(StringSegment charset)
    {
        if (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            _ = Encoding.GetEncoding(charset.ToString());
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
