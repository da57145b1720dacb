using Microsoft.AspNetCore.Authorization;

namespace LicensePortal.Infrastructure;

public static class Roles
{
    public const string Sales = "Sales";
    public const string Fraud = "Fraud";
    public const string Manager = "Manager";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Sales, Fraud, Manager, Admin];
}

/// <summary>
/// One policy per work area. Managers hold everything Sales and Fraud may do (docs/RULES.md, Fraud cases, who may do what).
/// </summary>
public static class Policies
{
    public const string Sales = "SalesArea";
    public const string Fraud = "FraudArea";
    public const string Manager = "ManagerArea";
    public const string Admin = "AdminArea";

    /// <summary>Finding a license: sales quote it, the fraud team checks and disables its key.</summary>
    public const string Licenses = "LicenseReaders";

    /// <summary>Reading the audit log: managers and admins.</summary>
    public const string Auditors = "Auditors";

    /// <summary>Reading the catalog: every staff role.</summary>
    public const string Staff = "Staff";

    public static readonly IReadOnlyDictionary<string, string[]> RolesFor = new Dictionary<string, string[]>
    {
        [Sales] = [Roles.Sales, Roles.Manager],
        [Fraud] = [Roles.Fraud, Roles.Manager],
        [Manager] = [Roles.Manager],
        [Admin] = [Roles.Admin],
        [Licenses] = [Roles.Sales, Roles.Fraud, Roles.Manager],
        [Auditors] = [Roles.Manager, Roles.Admin],
        [Staff] = [Roles.Sales, Roles.Fraud, Roles.Manager, Roles.Admin],
    };

    /// <summary>True when the user holds one of the policy's roles.</summary>
    public static bool Allows(this System.Security.Claims.ClaimsPrincipal user, string policy) => RolesFor[policy].Any(user.IsInRole);

    /// <summary>Services re-check the role of sensitive actions; the message is shown to the user.</summary>
    public static void Demand(this System.Security.Claims.ClaimsPrincipal user, string policy, string message)
    {
        if (!user.Allows(policy))
            throw new DomainException(message);
    }

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder builder)
    {
        foreach (var (policy, roles) in RolesFor)
            builder.AddPolicy(policy, p => p.RequireRole(roles));
        return builder;
    }
}
