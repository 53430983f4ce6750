namespace Beacon.Application.Common.Exceptions;

/// <summary>The request is valid but the resource's state forbids it now (e.g. cancelling a finished job); maps to 409.</summary>
public sealed class ConflictException(string message, Exception? inner = null) : Exception(message, inner);
