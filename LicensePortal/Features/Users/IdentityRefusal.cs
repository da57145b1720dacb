using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace LicensePortal.Features.Users;

/// <summary>Identity's refusals as the portal's: each error on the field it is about ("" for the whole form).</summary>
internal static class IdentityRefusal
{
    /// <summary>Throws a <see cref="DomainException"/> with each of <paramref name="errors"/> on its field (and <paramref
    /// name="more"/>).</summary>
    public static void ThrowIfAny(
        IEnumerable<IdentityError> errors,
        string passwordField = nameof(NewUserForm.Password),
        IReadOnlyDictionary<string, string>? more = null
    )
    {
        var fields = new Dictionary<string, string>();
        var all = errors.ToList();
        // The user name is the email address: a taken one is said once, as the email.
        if (all.Any(e => e.Code == "DuplicateEmail"))
            all.RemoveAll(e => e.Code == "DuplicateUserName");
        foreach (var error in all)
        {
            var field = error.Code switch
            {
                var c when c.StartsWith("Password", StringComparison.Ordinal) => passwordField,
                "DuplicateUserName" or "DuplicateEmail" or "InvalidEmail" or "InvalidUserName" => nameof(NewUserForm.Email),
                _ => "",
            };
            fields[field] = fields.TryGetValue(field, out var before) ? $"{before} {error.Description}" : error.Description;
        }
        // What the portal checks itself wins over Identity's word on the same field.
        foreach (var (field, message) in more ?? new Dictionary<string, string>())
            fields[field] = message;
        if (fields.Count > 0)
            throw new DomainException(fields);
    }

    /// <summary>Throws when <paramref name="result"/> failed.</summary>
    public static void ThrowIfFailed(IdentityResult result, string passwordField = nameof(NewUserForm.Password)) =>
        ThrowIfAny(result.Errors, passwordField);
}
