namespace LicensePortal.Features.Activation;

/// <summary>What staff hand back to the customer for a server activated offline.</summary>
public sealed record OfflineActivationResult(string Hostname, string File, string ReleaseCode, DateTime ExpiresAt, bool Renewed = false)
{
    /// <summary>The name the license file downloads as: the server's, so a customer with several knows which is which.</summary>
    public string FileName => $"{string.Concat(Hostname.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'))}.license";
}

/// <summary>What became of a release code staff typed: when the server stops counting, or that it waits for a manager.</summary>
public sealed record OfflineReleaseResult(string Hostname, Licensing.ReleaseVerdict Verdict, DateTime? EffectiveAt)
{
    /// <summary>The outcome as staff read it after typing the code.</summary>
    public string Sentence =>
        Verdict == Licensing.ReleaseVerdict.Counts
            ? $"{Hostname} released: it stops counting on {EffectiveAt:d MMM yyyy, HH:mm} UTC, after the settle time."
            : $"{Hostname}'s release is past this license's release limits: it waits for a manager in the fraud queue, and the "
                + "server counts until then.";
}
