using Microsoft.AspNetCore.Identity;

namespace LicensePortal.Data;

public class ApplicationUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Job title printed under the name on documents the user signs.</summary>
    public string? Title { get; set; }

    public bool PrefersDarkMode { get; set; }

    /// <summary>Set when an administrator makes the account or resets the password: the user chooses a new one at their next
    /// sign-in.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>When the temporary password (of a new account, or an administrator's reset) was given; null when the user
    /// chose their own.</summary>
    public DateTime? TemporaryPasswordIssuedAt { get; private set; }

    /// <summary>The password just set is the administrator's, not the user's: it must be replaced at the next sign-in, within
    /// the days the portal allows.</summary>
    public void GiveTemporaryPassword(DateTime now)
    {
        MustChangePassword = true;
        TemporaryPasswordIssuedAt = now;
    }

    /// <summary>The user chose their own password.</summary>
    public void ChosePassword()
    {
        MustChangePassword = false;
        TemporaryPasswordIssuedAt = null;
    }

    /// <summary>True when the temporary password went unused for <paramref name="validDays"/> days: it no longer signs in.</summary>
    public bool TemporaryPasswordExpired(DateTime now, int validDays) =>
        MustChangePassword && TemporaryPasswordIssuedAt is { } issued && now >= issued.AddDays(validDays);
}
