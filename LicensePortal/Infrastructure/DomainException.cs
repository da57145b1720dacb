namespace LicensePortal.Infrastructure;

/// <summary>A broken business rule; the message is written for the person using the portal.</summary>
public sealed class DomainException(string message) : Exception(message);
