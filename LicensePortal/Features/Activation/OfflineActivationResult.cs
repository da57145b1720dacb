namespace LicensePortal.Features.Activation;

/// <summary>What staff hand back to the customer for a server activated offline.</summary>
public sealed record OfflineActivationResult(string Hostname, string File, string ReleaseCode, DateTime ExpiresAt, bool Renewed = false)
{
    /// <summary>The name the license file downloads as: the server's, so a customer with several knows which is which.</summary>
    public string FileName => $"{string.Concat(Hostname.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'))}.license";
}
