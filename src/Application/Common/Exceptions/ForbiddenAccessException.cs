namespace Beacon.Application.Common.Exceptions;

/// <summary>The caller is known but lacks the rights for this operation; maps to 403.</summary>
public sealed class ForbiddenAccessException(string message = "You do not have access to this operation.")
    : Exception(message);
