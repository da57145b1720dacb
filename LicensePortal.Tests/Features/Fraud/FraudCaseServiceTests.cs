using LicensePortal.Features.Fraud;
using LicensePortal.Features.Licenses;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Tests.Features.Fraud;

public class FraudCaseServiceTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 10 };
    private static readonly System.Security.Claims.ClaimsPrincipal Agent = TestData.As(Roles.Fraud, "fraud@demo.licenseportal.test");
    private static readonly System.Security.Claims.ClaimsPrincipal Manager = TestData.As(Roles.Manager, "manager@demo.licenseportal.test");
    private FraudCaseService Cases => portal.Service<FraudCaseService>();
    private HttpClient api = null!;
    private License license = null!;
    private int caseId;

    public async ValueTask InitializeAsync()
    {
        api = portal.Client();
        license = await portal.NewLicenseAsync((await portal.NewCustomerAsync()).Id);
        await api.CheckInAsync(license.Key, "old-server");
        await api.CheckInAsync(license.Key, "new-server");
        caseId = await Cases.OpenAsync(Agent, license.Id, "Reseller tip-off");
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    [Fact]
    public async Task A_sales_only_user_cannot_act_on_cases()
    {
        var sales = TestData.As(Roles.Sales);
        await Assert.ThrowsAsync<DomainException>(() => Cases.QueueAsync(sales, new CaseFilter(), new PageRequest(0, 10, null, false)));
        await Assert.ThrowsAsync<DomainException>(() => Cases.DetailAsync(sales, caseId));
        await Assert.ThrowsAsync<DomainException>(() => Cases.OpenAsync(sales, license.Id, "x"));
        await Assert.ThrowsAsync<DomainException>(() => Cases.TakeAsync(sales, caseId));
        await Assert.ThrowsAsync<DomainException>(() => Cases.LogCallAsync(sales, caseId, "+1 503 555 0100", CallOutcome.NoAnswer, null));
        await Assert.ThrowsAsync<DomainException>(() => Cases.ResolveAsync(sales, caseId, new Resolution(CaseOutcome.FalsePositive, "x")));
        await Assert.ThrowsAsync<DomainException>(() => Cases.DisableNowAsync(sales, caseId, "x"));
        await Assert.ThrowsAsync<DomainException>(() => Cases.DecommissionAsync(sales, caseId, 1, "x"));
    }

    [Fact]
    public async Task Only_one_case_may_be_open_per_license()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => Cases.OpenAsync(Agent, license.Id, "Again"));
        Assert.Contains("already has an open case", error.Message);
    }

    [Fact]
    public async Task The_queue_shows_phone_days_left_attempts_and_last_outcome()
    {
        await Cases.LogCallAsync(Agent, caseId, "+1 503 555 0100", CallOutcome.Voicemail, "Left a message");
        portal.Clock.Advance(TimeSpan.FromDays(3));

        var row = (await Cases.QueueAsync(Agent, new CaseFilter(), new PageRequest(0, 10, null, false))).Rows.Single(r => r.Id == caseId);

        Assert.Equal(
            ("+1 503 555 0100", 1, CallOutcome.Voicemail, "fraud@demo.licenseportal.test"),
            (row.Phone, row.Attempts, row.LastOutcome, row.Assignee)
        );
        Assert.Equal(11, row.DaysLeft(Cases.Now), 3);
        Assert.Equal(CaseState.Contacting, (await Cases.DetailAsync(Agent, caseId)).Case.State);
    }

    [Fact]
    public async Task Migration_completed_needs_the_old_server_gone_then_the_key_answers_active()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Cases.ResolveAsync(Agent, caseId, new Resolution(CaseOutcome.MigrationCompleted, "Moved"))
        );
        Assert.Contains("still has more active installations", error.Message);

        var old = (await Cases.DetailAsync(Agent, caseId)).Installations.Single(i => i.MachineId == "old-server");
        await Cases.DecommissionAsync(Agent, caseId, old.Id, "Customer shut it down on the phone");
        await Cases.ResolveAsync(Agent, caseId, new Resolution(CaseOutcome.MigrationCompleted, "Old server decommissioned"));

        Assert.Equal(CaseState.Resolved, (await Cases.DetailAsync(Agent, caseId)).Case.State);
        Assert.Equal("active", (await api.CheckInAsync(license.Key, "new-server")).Status);
        await using var db = await portal.DbAsync();
        Assert.Equal(
            ["Fraud case opened", "Installation decommissioned", "Case resolved"],
            await db
                .AuditLog.Where(a => a.EntityId == caseId.ToString() || a.EntityId == license.Key)
                .OrderBy(a => a.Id)
                .Select(a => a.Action)
                .ToListAsync()
        );
    }

    [Fact]
    public async Task An_additional_license_must_be_the_same_customers_and_products_and_the_extra_server_moves_to_it()
    {
        var newServer = (await Cases.DetailAsync(Agent, caseId)).Installations.Single(i => i.MachineId == "new-server").Id;
        var other = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Someone Else Ltd")).Id);
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Cases.ResolveAsync(Agent, caseId, new Resolution(CaseOutcome.AdditionalLicensePurchased, "Bought one", other.Id, newServer))
        );
        Assert.Contains("Choose the additional license", error.Message);

        var extra = await portal.NewLicenseAsync(license.CustomerId);
        await Cases.ResolveAsync(Agent, caseId, new Resolution(CaseOutcome.AdditionalLicensePurchased, "Bought one", extra.Id, newServer));

        Assert.Equal(extra.Id, (await Cases.DetailAsync(Agent, caseId)).Case.AdditionalLicenseId);
        Assert.Equal(
            ("active", 1),
            (await api.CheckInAsync(license.Key, "old-server")) is var a ? (a.Status, a.ActiveInstallations) : default
        );
        Assert.Equal(
            ("active", 1),
            (await api.CheckInAsync(extra.Key, "new-server")) is var b ? (b.Status, b.ActiveInstallations) : default
        );
    }

    [Fact]
    public async Task Only_a_manager_extends_the_deadline_and_only_once()
    {
        var deadline = (await Cases.DetailAsync(Agent, caseId)).Case.DeadlineAt;

        await Assert.ThrowsAsync<DomainException>(() =>
            Cases.ExtendDeadlineAsync(Agent, caseId, deadline.AddDays(7), "Customer on holiday")
        );
        await Cases.ExtendDeadlineAsync(Manager, caseId, deadline.AddDays(7), "Customer on holiday");
        var again = await Assert.ThrowsAsync<DomainException>(() =>
            Cases.ExtendDeadlineAsync(Manager, caseId, deadline.AddDays(10), "More")
        );

        Assert.Contains("already extended once", again.Message);
        Assert.Equal(deadline.AddDays(7), (await api.CheckInAsync(license.Key, "new-server")).DisableAt);
    }

    [Fact]
    public async Task Disabling_now_and_re_enabling_needs_a_reason_and_re_enabling_needs_a_manager()
    {
        await Assert.ThrowsAsync<DomainException>(() => Cases.DisableNowAsync(Agent, caseId, " "));
        await Cases.DisableNowAsync(Agent, caseId, "Customer admitted reselling");
        Assert.Equal("disabled", (await api.CheckInAsync(license.Key, "new-server")).Status);

        await Assert.ThrowsAsync<DomainException>(() => Cases.ReenableAsync(Agent, license.Id, "Paid"));
        // Still on two servers with one allowed: re-enabling needs the window restored, or it would be flagged again at once.
        var refused = await Assert.ThrowsAsync<DomainException>(() => Cases.ReenableAsync(Manager, license.Id, "Bought a second license"));
        Assert.Contains("Restore the migration window", refused.Message);
        await Cases.ReenableAsync(Manager, license.Id, "Bought a second license", restoreWindow: true);

        var answer = await api.CheckInAsync(license.Key, "new-server");
        Assert.Equal(("grace", portal.Clock.GetUtcNow().UtcDateTime.AddDays(30)), (answer.Status, answer.GraceEndsAt));
        await using var db = await portal.DbAsync();
        Assert.True(
            await db.AuditLog.AnyAsync(a =>
                a.Action == "Key re-enabled"
                && a.UserName == "manager@demo.licenseportal.test"
                && a.After!.Contains("Bought a second license")
            )
        );
    }

    [Fact]
    public async Task All_cases_lists_open_cases_soonest_deadline_first_and_closed_cases_after_them()
    {
        var second = await portal.NewLicenseAsync(license.CustomerId);
        await Cases.OpenAsync(Agent, second.Id, "Second tip-off");
        await Cases.DisableNowAsync(Agent, caseId, "Customer admitted reselling");

        var rows = (await Cases.QueueAsync(Agent, new CaseFilter(CaseView.All), new PageRequest(0, 500, null, false))).Rows;

        Assert.Contains(rows, r => !r.IsOpen);
        var open = rows.TakeWhile(r => r.IsOpen).ToList();
        Assert.All(rows.Skip(open.Count), r => Assert.False(r.IsOpen));
        Assert.Equal(open.OrderBy(r => r.DisableAt).Select(r => r.DisableAt), open.Select(r => r.DisableAt));
    }

    [Fact]
    public async Task The_next_case_is_another_open_case_nobody_has_taken_or_the_agents_own()
    {
        var taken = await Cases.OpenAsync(
            TestData.As(Roles.Fraud, "colleague@example.com"),
            (await portal.NewLicenseAsync(license.CustomerId)).Id,
            "Colleague's case"
        );
        var free = await Cases.OpenAsync(Agent, (await portal.NewLicenseAsync(license.CustomerId)).Id, "Nobody's yet");
        await Cases.ReleaseAsync(Agent, free);

        var next = await Cases.NextCaseAsync(Agent, caseId);

        Assert.NotNull(next);
        Assert.NotEqual(caseId, next.Id);
        Assert.NotEqual(taken, next.Id);
        var chosen = (await Cases.DetailAsync(Agent, next.Id)).Case;
        Assert.True(chosen.IsOpen);
        Assert.True(chosen.Assignee is null or "fraud@demo.licenseportal.test");
        await Assert.ThrowsAsync<DomainException>(() => Cases.NextCaseAsync(TestData.As(Roles.Sales, "sales@example.com"), caseId));
    }

    [Fact]
    public async Task The_queue_shows_the_assignee_by_display_name_or_the_sign_in_before_the_at()
    {
        var colleague = LicensePortal.Data.Demo.DemoSeeder.Users.First(u => u.Role == Roles.Fraud);
        // The case was opened by Agent, the demo fraud user, so it is already the colleague's.
        var row = (await Cases.QueueAsync(Agent, new CaseFilter(), new PageRequest(0, 500, null, false))).Rows.Single(r => r.Id == caseId);
        Assert.Equal(colleague.DisplayName, row.AssigneeShort);

        await Cases.TakeAsync(TestData.As(Roles.Fraud, "agent@example.com"), caseId);
        row = (await Cases.QueueAsync(Agent, new CaseFilter(), new PageRequest(0, 500, null, false))).Rows.Single(r => r.Id == caseId);
        Assert.Equal("agent", row.AssigneeShort);
    }

    public static TheoryData<string, string, int> TypedFields =>
        new()
        {
            { "open reason", "reason", FraudCase.MaxHandOpenedReasonLength },
            { "call notes", "call notes", FraudCase.MaxCallNotesLength },
            { "number dialled", "number dialled", FraudCase.MaxNumberLength },
            { "resolution note", "note", FraudCase.MaxTextLength },
            { "disable reason", "reason", FraudCase.MaxTextLength },
            { "extension reason", "reason", FraudCase.MaxTextLength },
            { "decommission reason", "reason", FraudCase.MaxTextLength },
            { "re-enable reason", "reason", FraudCase.MaxTextLength },
        };

    [Theory, MemberData(nameof(TypedFields))]
    public async Task Typed_text_over_its_limit_is_refused_without_writing_and_at_its_limit_is_kept_whole(
        string what,
        string field,
        int limit
    )
    {
        var other = await portal.NewLicenseAsync((await portal.NewCustomerAsync("Other Hosting Ltd")).Id);
        var detail = await Cases.DetailAsync(Agent, caseId);
        if (what == "re-enable reason")
            await Cases.DisableNowAsync(Agent, caseId, "Still on two servers at the deadline");
        Func<string, Task> act = what switch
        {
            "open reason" => t => Cases.OpenAsync(Agent, other.Id, t),
            "call notes" => t => Cases.LogCallAsync(Agent, caseId, "+1 503 555 0100", CallOutcome.Voicemail, t),
            "number dialled" => t => Cases.LogCallAsync(Agent, caseId, t, CallOutcome.NoAnswer, null),
            "resolution note" => t => Cases.ResolveAsync(Agent, caseId, new Resolution(CaseOutcome.FalsePositive, t)),
            "disable reason" => t => Cases.DisableNowAsync(Agent, caseId, t),
            "extension reason" => t => Cases.ExtendDeadlineAsync(Manager, caseId, detail.Case.DeadlineAt.AddDays(7), t),
            "decommission reason" => t => Cases.DecommissionAsync(Agent, caseId, detail.Installations[0].Id, t),
            _ => t => Cases.ReenableAsync(Manager, license.Id, t, restoreWindow: true),
        };
        Func<LicensePortal.Data.AppDbContext, Task<string?>> stored = what switch
        {
            "open reason" => db => db.FraudCases.Where(c => c.LicenseId == other.Id).Select(c => c.Reason).FirstOrDefaultAsync(),
            "call notes" => db => db.CallAttempts.Where(c => c.CaseId == caseId).Select(c => c.Notes).FirstOrDefaultAsync(),
            "number dialled" => db => db.CallAttempts.Where(c => c.CaseId == caseId).Select(c => c.NumberDialled).FirstOrDefaultAsync(),
            "resolution note" or "disable reason" => db =>
                db.FraudCases.Where(c => c.Id == caseId).Select(c => c.OutcomeNote).SingleAsync(),
            "extension reason" => db => db.FraudCases.Where(c => c.Id == caseId).Select(c => c.ExtensionReason).SingleAsync(),
            "decommission reason" => db =>
                db.AuditLog.Where(a => a.Action == "Installation decommissioned").Select(a => a.After).FirstOrDefaultAsync(),
            _ => db => db.AuditLog.Where(a => a.Action == "Key re-enabled").Select(a => a.After).FirstOrDefaultAsync(),
        };

        await portal.RefusedOverAndKeptWholeAtAsync(
            field,
            limit,
            act,
            stored,
            what == "number dialled" ? n => "+" + new string('5', n - 1) : null
        );
        // The history line around the text fits its column (PostgreSQL refuses a longer one).
        await using var db = await portal.DbAsync();
        Assert.All(
            await db.LicenseEvents.Select(e => e.Description).ToListAsync(),
            d => Assert.InRange(d.Length, 0, LicenseEvent.MaxDescriptionLength)
        );
    }

    [Fact]
    public void A_reason_opened_by_hand_fits_the_case_with_its_prefix() =>
        Assert.Equal(FraudCase.MaxTextLength, FraudCase.HandOpenedPrefix.Length + FraudCase.MaxHandOpenedReasonLength);
}
