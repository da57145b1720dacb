using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Fraud;

/// <summary>The texts of the fraud emails, history entries and audit rows, shared by the staff service and the monitor.</summary>
public sealed class FraudNotices(
    IOptions<Installations.InstallationOptions> installationOptions,
    IOptions<EmailOptions> emailOptions,
    IOptions<VendorOptions> vendor
)
{
    public static readonly ClaimsPrincipal System = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "fraud monitor")], "system"));

    /// <summary>The reason a case the monitor opens gives.</summary>
    internal string WindowRanOut(Standing standing)
    {
        var options = installationOptions.Value;
        return $"The {options.MigrationWindowDays}-day migration window ran out on {standing.GraceEndsAt:yyyy-MM-dd HH:mm} UTC with "
            + $"{standing.ActiveInstallations} active installations "
            + $"and {standing.Allowance} allowed ({standing.DaysUsed:0.#} days over allowance in the last {options.LookbackDays} days).";
    }

    internal FraudNotice CaseOpened(LicenseParty license, FraudCase fraudCase, bool byHand, DateTime now, ClaimsPrincipal actor)
    {
        var options = installationOptions.Value;
        var v = vendor.Value;
        var about = $"License {license.Key}";
        var why = byHand
            ? $"Our licensing team has opened a case about this license: {fraudCase.Reason}"
            : $"It has been running on more servers than it allows. Moving to a new server is fine for up to "
                + $"{options.MigrationWindowDays} days; that time has run out.";
        return new(
            [
                OutboxMessage.Create(
                    now,
                    license.Email,
                    $"Action needed: license {license.Key}",
                    $"""
                    Hello {license.Customer},

                    This is about your {license.Product} license {license.Key}. {why}

                    Please uninstall the product from the servers you no longer use, or buy an additional license, before {fraudCase.DisableAt:d MMMM yyyy HH:mm} UTC.
                    If the license is still running on more servers than it allows on that date, the key will be disabled. Our team will also call you.
                    Questions: {v.Phone} or {v.Email}.

                    {v.Name} licensing
                    """,
                    about
                ),
                OutboxMessage.Create(
                    now,
                    emailOptions.Value.FraudTeamAddress,
                    $"Fraud case opened: {license.Key} ({license.Customer})",
                    $"A fraud case was opened for {license.Product} license {license.Key} of {license.Customer} ({license.Phone}). "
                        + $"{fraudCase.Reason} "
                        + $"The key will be disabled on {fraudCase.DisableAt:yyyy-MM-dd HH:mm} UTC unless the license is back within "
                        + $"its allowance or the case is resolved.",
                    about
                ),
            ],
            new LicenseEvent
            {
                LicenseId = license.Id,
                At = now,
                Kind = LicenseEventKinds.CaseOpened,
                UserName = Name(actor),
                Description = fraudCase.Reason,
            },
            AuditWrites.Entry(
                actor,
                now,
                "Fraud case opened",
                "License",
                license.Key,
                null,
                new { fraudCase.Reason, Deadline = fraudCase.DeadlineAt }
            )
        );
    }

    internal FraudNotice KeyDisabled(LicenseParty license, DateTime now, ClaimsPrincipal actor, string reason)
    {
        var v = vendor.Value;
        return new(
            [
                OutboxMessage.Create(
                    now,
                    license.Email,
                    $"License {license.Key} has been disabled",
                    $"""
                    Hello {license.Customer},

                    Your {license.Product} license {license.Key} has been disabled because it kept running on more servers than it allows. {reason}
                    To have it re-enabled, please call us on {v.Phone} or write to {v.Email}.

                    {v.Name} licensing
                    """,
                    $"License {license.Key}"
                ),
            ],
            new LicenseEvent
            {
                LicenseId = license.Id,
                At = now,
                Kind = LicenseEventKinds.Disabled,
                UserName = Name(actor),
                Description = reason,
            },
            AuditWrites.Entry(
                actor,
                now,
                "Key disabled",
                "License",
                license.Key,
                new { Status = LicenseStatus.Active },
                new { Status = LicenseStatus.Disabled, Reason = reason }
            )
        );
    }

    /// <summary>The customer fixed it in time: thanked, and the fraud team sees it in the case's history and the queue's filter.</summary>
    internal FraudNotice ResolvedByCustomer(
        LicenseParty license,
        FraudCase fraudCase,
        CaseState before,
        DateTime now,
        ClaimsPrincipal actor
    )
    {
        var v = vendor.Value;
        return new(
            [
                OutboxMessage.Create(
                    now,
                    license.Email,
                    $"Thank you: license {license.Key} is in order",
                    $"""
                    Hello {license.Customer},

                    Your {license.Product} license {license.Key} is back within the number of servers it allows, so the licensing case about it is closed and the key stays enabled.
                    Thank you for sorting it out. Moving to a new server again is fine; uninstall the old one within the migration window.

                    {v.Name} licensing
                    """,
                    $"License {license.Key}"
                ),
            ],
            new LicenseEvent
            {
                LicenseId = license.Id,
                At = now,
                Kind = LicenseEventKinds.CaseClosed,
                UserName = Name(actor),
                Description = LicenseEvent.Line($"Case #{fraudCase.Id} resolved by the customer: {fraudCase.OutcomeNote}"),
            },
            AuditWrites.Entry(
                actor,
                now,
                "Case resolved by the customer",
                "FraudCase",
                fraudCase.Id.ToString(),
                new { State = before },
                new
                {
                    fraudCase.State,
                    fraudCase.Outcome,
                    fraudCase.OutcomeNote,
                }
            )
        );
    }

    private static string Name(ClaimsPrincipal actor) => actor.Identity?.Name ?? "";
}
