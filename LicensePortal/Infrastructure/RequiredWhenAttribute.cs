using System.ComponentModel.DataAnnotations;

namespace LicensePortal.Infrastructure;

/// <summary>
/// Required only while another property of the same model has the given value (a lease's end date, an existing
/// owner unless a new one is typed). An attribute rather than IValidatableObject because the validator skips
/// IValidatableObject while any attribute fails, which would show these errors one round later.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredWhenAttribute(string property, object? value) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? current, ValidationContext context)
    {
        var other = context.ObjectType.GetProperty(property);
        if (other is null || !Equals(other.GetValue(context.ObjectInstance), value))
            return ValidationResult.Success;
        var missing = current is null || current is string s && string.IsNullOrWhiteSpace(s);
        return missing ? new ValidationResult(ErrorMessage, context.MemberName is { } m ? [m] : null) : ValidationResult.Success;
    }
}
