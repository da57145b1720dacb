using System.ComponentModel.DataAnnotations;
using LicensePortal.Infrastructure;

namespace LicensePortal.Features.Users;

public sealed class NewUserForm
{
    [Required(ErrorMessage = "Enter the user's email address.")]
    [EmailAddress(ErrorMessage = "This is not a valid email address.")]
    [StringLength(MaxEmailLength, ErrorMessage = "Keep the email address to {1:N0} characters.")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter the user's full name.")]
    [StringLength(MaxNameLength, ErrorMessage = "Keep the name to {1:N0} characters.")]
    public string DisplayName { get; set; } = "";

    [StringLength(MaxNameLength, ErrorMessage = "Keep the title to {1:N0} characters.")]
    public string? Title { get; set; }

    [Required(ErrorMessage = "Enter a first password for the user.")]
    public string Password { get; set; } = "";

    [MinLength(1, ErrorMessage = NoRoleMessage)]
    public HashSet<string> Roles { get; set; } = [];

    public const string NoRoleMessage = "Choose at least one role.";
    public const int MaxEmailLength = 256,
        MaxNameLength = 100;

    /// <summary>What the service refuses before Identity sees the user: over-long text, by field (docs/RULES.md).</summary>
    internal Dictionary<string, string> TooLong() =>
        new (string Field, string? Problem)[]
        {
            (nameof(Email), TextLimit.Problem(Email, MaxEmailLength, "email address")),
            (nameof(DisplayName), TextLimit.Problem(DisplayName, MaxNameLength, "name")),
            (nameof(Title), TextLimit.Problem(Title, MaxNameLength, "title")),
        }
            .Where(p => p.Problem is not null)
            .ToDictionary(p => p.Field, p => p.Problem!);
}
