using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Customers;

/// <summary>What staff type to create or edit a customer.</summary>
public sealed class CustomerForm
{
    [Required(ErrorMessage = "Enter the customer's name.")]
    [StringLength(200)]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = "Enter the licensing email address.")]
    [EmailAddress(ErrorMessage = "This is not a valid email address.")]
    [StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter a phone number the fraud team can call.")]
    [RegularExpression(@"^\+?[0-9 ()./-]{6,40}$", ErrorMessage = "Use digits, spaces and + ( ) - . only, e.g. +1 503 555 0100.")]
    public string Phone { get; set; } = "";

    [Required(ErrorMessage = "Enter the street address.")]
    [StringLength(200)]
    public string AddressLine1 { get; set; } = "";

    [StringLength(200)]
    public string? AddressLine2 { get; set; }

    [Required(ErrorMessage = "Enter the city.")]
    [StringLength(100)]
    public string City { get; set; } = "";

    [StringLength(100)]
    public string? Region { get; set; }

    [Required(ErrorMessage = "Enter the postal code.")]
    [StringLength(20)]
    public string PostalCode { get; set; } = "";

    [Required(ErrorMessage = "Enter the country.")]
    [StringLength(100)]
    public string Country { get; set; } = "";

    public Guid? Version { get; set; }

    public static CustomerForm From(Customer c) => new()
    {
        Name = c.Name, Email = c.Email, Phone = c.Phone, AddressLine1 = c.AddressLine1, AddressLine2 = c.AddressLine2,
        City = c.City, Region = c.Region, PostalCode = c.PostalCode, Country = c.Country, Version = c.Version,
    };

    public void ApplyTo(Customer c)
    {
        c.Name = Name.Trim(); c.Email = Email.Trim(); c.Phone = Phone.Trim(); c.AddressLine1 = AddressLine1.Trim();
        c.AddressLine2 = string.IsNullOrWhiteSpace(AddressLine2) ? null : AddressLine2.Trim(); c.City = City.Trim();
        c.Region = string.IsNullOrWhiteSpace(Region) ? null : Region.Trim(); c.PostalCode = PostalCode.Trim(); c.Country = Country.Trim();
    }
}
