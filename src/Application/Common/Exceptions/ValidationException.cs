using FluentValidation.Results;

namespace Beacon.Application.Common.Exceptions;

/// <summary>One or more fields of a request are invalid; maps to 400 with field errors.</summary>
public sealed class ValidationException : Exception
{
    /// <summary>Creates the exception from FluentValidation failures, grouped by property.</summary>
    public ValidationException(IEnumerable<ValidationFailure> failures)
        : base("One or more validation failures have occurred.")
    {
        Errors = failures
            .GroupBy(f => f.PropertyName, f => f.ErrorMessage)
            .ToDictionary(g => g.Key, g => g.Distinct().ToArray());
    }

    /// <summary>Creates the exception for a single field.</summary>
    public ValidationException(string field, string message)
        : base(message)
    {
        Errors = new Dictionary<string, string[]> { [field] = [message] };
    }

    /// <summary>Error messages by field name.</summary>
    public IDictionary<string, string[]> Errors { get; }
}
