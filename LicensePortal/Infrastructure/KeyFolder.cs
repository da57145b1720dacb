namespace LicensePortal.Infrastructure;

/// <summary>
/// The folder of the portal's secrets that must not live in the database staff and backups can read:
/// <c>Activation:SigningKeyFolder</c> (default <c>Data/signing-keys</c>), relative to the app's folder. It holds the
/// answer-signing keys and their manifest, the audit chain's key and the certificate that encrypts the data-protection keys.
/// </summary>
public static class KeyFolder
{
    public const string Setting = "Activation:SigningKeyFolder",
        Default = "Data/signing-keys";

    public static string For(IConfiguration configuration, IHostEnvironment environment) =>
        For(configuration[Setting] is { Length: > 0 } folder ? folder : Default, environment);

    public static string For(string folder, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, folder));
}
