using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Licenses;

public sealed class IssueLicenseForm
{
    [Range(1, int.MaxValue, ErrorMessage = "Choose the product.")]
    public int ProductId { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = "Choose the major version.")]
    public int Major { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = "Choose the edition.")]
    public int EditionId { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = "Choose the level.")]
    public int LevelId { get; set; }
    public bool HasFailover { get; set; }
    public const int MaxProtectionMonths = 60;

    [Range(typeof(decimal), "0", "10000000", ErrorMessage = "The price paid is $0.00 to $10,000,000.00.")]
    public decimal PricePaid { get; set; }

    [Range(0, MaxProtectionMonths, ErrorMessage = "Upgrade protection is 0 to 60 months.")]
    public int ProtectionMonths { get; set; } = 12;
}
