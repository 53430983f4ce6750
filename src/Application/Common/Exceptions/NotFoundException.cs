namespace Beacon.Application.Common.Exceptions;

/// <summary>The requested resource does not exist, or is not the caller's to see; maps to 404.</summary>
public sealed class NotFoundException(string resource, string key)
    : Exception($"{resource} '{key}' was not found.");
