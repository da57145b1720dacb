namespace LicensePortal.Infrastructure;

/// <summary>
/// A row two staff members could edit at once. SQLite has no rowversion, so the context
/// stamps a new <see cref="Version"/> on every update and EF checks the old one.
/// </summary>
public interface IVersioned
{
    Guid Version { get; set; }
}
