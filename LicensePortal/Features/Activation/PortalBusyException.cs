namespace LicensePortal.Features.Activation;

/// <summary>The writers' queue is full or too slow: the request is turned away with 503 and Retry-After.</summary>
public sealed class PortalBusyException() : Exception("The portal is busy: try again in a few seconds.");
