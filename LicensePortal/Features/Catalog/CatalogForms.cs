using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Catalog;

// What admins type in the catalog dialogs. Limits and messages come from CatalogRules, which the service checks too.

public sealed class ProductForm
{
    [Required(ErrorMessage = "Enter a name for the product.")]
    [StringLength(CatalogRules.MaxNameLength, ErrorMessage = "Keep the product name to {1:N0} characters.")]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = CatalogRules.UnitMessage)]
    [StringLength(CatalogRules.MaxNameLength, ErrorMessage = "Keep the level unit to {1:N0} characters.")]
    public string LevelUnit { get; set; } = "";
}

public sealed class EditionForm
{
    [Required(ErrorMessage = "Enter a name for the edition.")]
    [StringLength(CatalogRules.MaxNameLength, ErrorMessage = "Keep the edition name to {1:N0} characters.")]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = CatalogRules.DescriptionMessage)]
    [StringLength(CatalogRules.MaxDescriptionLength, ErrorMessage = "Keep the description to {1:N0} characters.")]
    public string Description { get; set; } = "";
}

public sealed class LevelForm
{
    [Required(ErrorMessage = "Enter a name for the level.")]
    [StringLength(CatalogRules.MaxNameLength, ErrorMessage = "Keep the level name to {1:N0} characters.")]
    public string Name { get; set; } = "";

    [Range(1, int.MaxValue, ErrorMessage = CatalogRules.CapacityMessage)]
    public int? Capacity { get; set; }
}

public sealed class ReleaseForm
{
    [Required(ErrorMessage = "Enter the major version.")]
    [Range(1, int.MaxValue, ErrorMessage = CatalogRules.MajorMessage)]
    public int? Major { get; set; }

    [Required(ErrorMessage = "Enter the minor version (0 for a major release).")]
    [Range(0, int.MaxValue, ErrorMessage = CatalogRules.MinorMessage)]
    public int? Minor { get; set; } = 0;

    [Required(ErrorMessage = "Enter the release date.")]
    public DateTime? ReleasedOn { get; set; }

    [StringLength(CatalogRules.MaxNotesLength, ErrorMessage = "Keep the notes to {1:N0} characters.")]
    public string? Notes { get; set; }
}
