namespace LicensePortal.Features.Licensing;

/// <summary>Which product versions a license may run.</summary>
public static class VersionEntitlement
{
    /// <summary>The major of a product version such as 12.3.9142; null when it can't be read.</summary>
    public static int? MajorOf(string? productVersion)
    {
        if (string.IsNullOrWhiteSpace(productVersion))
            return null;
        var head = productVersion.Split('.')[0];
        return int.TryParse(head, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major)
            ? major
            : null;
    }

    /// <summary>
    /// A server may run the license's major or an earlier one; a later major only while upgrade
    /// protection is current on <paramref name="today"/> (then the major upgrade is free, and a quote
    /// moves the license to it). A version that can't be read is not held against the customer.
    /// </summary>
    public static bool Covers(int licenseMajor, DateOnly? protectionEndsOn, string? productVersion, DateOnly today) =>
        MajorOf(productVersion) is not { } running || running <= licenseMajor || Entitlements.ProtectionCurrent(protectionEndsOn, today);
}
