using Microsoft.AspNetCore.Identity;

namespace LicensePortal.Data;

public class ApplicationUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Job title printed under the name on documents the user signs.</summary>
    public string? Title { get; set; }

    public bool PrefersDarkMode { get; set; }

    /// <summary>Set when an administrator resets the password: the user chooses a new one at their next sign-in.</summary>
    public bool MustChangePassword { get; set; }
}
