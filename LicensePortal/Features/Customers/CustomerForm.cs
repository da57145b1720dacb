using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Customers;

/// <summary>What staff type to create or edit a customer.</summary>
public sealed class CustomerForm : IValidatableObject
{
    public const string PhoneMessage = "Use digits, spaces and + ( ) - . only, e.g. +1 503 555 0100 (6 to 40 characters).";

    [Required(ErrorMessage = "Enter the customer's name.")]
    [StringLength(200, ErrorMessage = "Keep the name to {1:N0} characters.")]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = "Enter the licensing email address.")]
    [EmailAddress(ErrorMessage = "This is not a valid email address.")]
    [StringLength(256, ErrorMessage = "Keep the email address to {1:N0} characters.")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter a phone number the fraud team can call.")]
    [RegularExpression(@"^\+?[0-9 ()./-]{6,40}$", ErrorMessage = PhoneMessage)]
    [StringLength(40, ErrorMessage = "Keep the phone number to {1:N0} characters.")]
    public string Phone { get; set; } = "";

    [Required(ErrorMessage = "Enter the street address.")]
    [StringLength(200, ErrorMessage = "Keep the street address to {1:N0} characters.")]
    public string AddressLine1 { get; set; } = "";

    [StringLength(200, ErrorMessage = "Keep the second address line to {1:N0} characters.")]
    public string? AddressLine2 { get; set; }

    [Required(ErrorMessage = "Enter the city.")]
    [StringLength(100, ErrorMessage = "Keep the city to {1:N0} characters.")]
    public string City { get; set; } = "";

    [StringLength(100, ErrorMessage = "Keep the region to {1:N0} characters.")]
    public string? Region { get; set; }

    [Required(ErrorMessage = "Enter the postal code.")]
    [StringLength(20, ErrorMessage = "Keep the postal code to {1:N0} characters.")]
    public string PostalCode { get; set; } = "";

    [Required(ErrorMessage = "Enter the country.")]
    [StringLength(100, ErrorMessage = "Keep the country to {1:N0} characters.")]
    public string Country { get; set; } = "";

    public Guid? Version { get; set; }

    /// <summary>
    /// Every field is one line: a name or address printed on a consent letter or in an email must not start
    /// lines of its own there (a forged condition, a forged greeting).
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (
            var (value, field, label) in new[]
            {
                (Name, nameof(Name), "name"),
                (Email, nameof(Email), "email address"),
                (Phone, nameof(Phone), "phone number"),
                (AddressLine1, nameof(AddressLine1), "street address"),
                (AddressLine2, nameof(AddressLine2), "second address line"),
                (City, nameof(City), "city"),
                (Region, nameof(Region), "region"),
                (PostalCode, nameof(PostalCode), "postal code"),
                (Country, nameof(Country), "country"),
            }
        )
            if (value?.Any(char.IsControl) == true || value?.Contains('\u2028') == true || value?.Contains('\u2029') == true)
                yield return new ValidationResult($"Keep the {label} on one line.", [field]);
    }

    public static CustomerForm From(Customer c) =>
        new()
        {
            Name = c.Name,
            Email = c.Email,
            Phone = c.Phone,
            AddressLine1 = c.AddressLine1,
            AddressLine2 = c.AddressLine2,
            City = c.City,
            Region = c.Region,
            PostalCode = c.PostalCode,
            Country = c.Country,
            Version = c.Version,
        };

    public void ApplyTo(Customer c)
    {
        c.Name = Name.Trim();
        c.Email = Email.Trim();
        c.Phone = Phone.Trim();
        c.AddressLine1 = AddressLine1.Trim();
        c.AddressLine2 = string.IsNullOrWhiteSpace(AddressLine2) ? null : AddressLine2.Trim();
        c.City = City.Trim();
        c.Region = string.IsNullOrWhiteSpace(Region) ? null : Region.Trim();
        c.PostalCode = PostalCode.Trim();
        c.Country = Country.Trim();
    }
}
