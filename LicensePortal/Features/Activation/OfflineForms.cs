using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Features.Activation;

/// <summary>The activation request pasted or loaded on a license page.</summary>
public sealed class OfflineRequestForm
{
    /// <summary>Far more than a request needs (its fields are limited like a check-in's), far less than a stray file.</summary>
    public const int MaxLength = ActivationOptions.MaxBodyBytes;

    [Required(ErrorMessage = "Paste the activation request, or load the file the product saved.")]
    [StringLength(
        MaxLength,
        ErrorMessage = "That is too long to be an activation request: paste only the block from its BEGIN line to its END line."
    )]
    public string Request { get; set; } = "";
}

/// <summary>The release code typed on a license page.</summary>
public sealed class ReleaseCodeForm
{
    [Required(ErrorMessage = "Type the release code the product printed when it was uninstalled.")]
    [StringLength(20, ErrorMessage = "A release code is ten letters and digits, like ABCDE-23456.")]
    public string Code { get; set; } = "";
}
