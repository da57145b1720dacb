using LicensePortal.Features.Licenses;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Renewals;
using LicensePortal.Infrastructure;
using LicensePortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LicensePortal.Tests.Features.Renewals;

/// <summary>Reminder emails before protection ends, run day by day on the fake clock.</summary>
public class ProtectionReminderTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new() { Licenses = 50 };
    private static readonly System.Security.Claims.ClaimsPrincipal Sales = TestData.As(Roles.Sales);
    private ProtectionReminderSender Sender => portal.Service<ProtectionReminderSender>();

    public ValueTask InitializeAsync()
    {
        _ = portal.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => portal.DisposeAsync();

    /// <summary>A customer with an address of its own, so its emails can be told apart from the demo customers'.</summary>
    private async Task<(int Id, string Email)> CustomerAsync(string name)
    {
        var customer = await portal.NewCustomerAsync(name);
        var email = $"licensing-{customer.Id}@{name.Split(' ')[0].ToLowerInvariant()}.example";
        await using var db = await portal.DbAsync();
        await db.Customers.Where(c => c.Id == customer.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Email, email));
        return (customer.Id, email);
    }

    /// <summary>Noon UTC on the date: the morning of the same date in the vendor's Phoenix.</summary>
    private void GoTo(DateOnly date) =>
        portal.Clock.Advance(date.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc) - portal.Clock.GetUtcNow().UtcDateTime);

    private DateOnly Today => DateOnly.FromDateTime(portal.Clock.GetUtcNow().UtcDateTime);

    private async Task<List<(DateOnly On, int Days, DateOnly EndsOn)>> RemindersAsync(int licenseId)
    {
        await using var db = await portal.DbAsync();
        return
        [
            .. (await db.ProtectionReminders.Where(r => r.LicenseId == licenseId).OrderBy(r => r.Id).ToListAsync()).Select(r =>
                (DateOnly.FromDateTime(r.SentAt), r.DaysBefore, r.ProtectionEndsOn)
            ),
        ];
    }

    /// <summary>Runs the sender once a day from today to <paramref name="last"/>, as the background service would.</summary>
    private async Task DailyUntilAsync(DateOnly last)
    {
        for (var day = Today; day <= last; day = day.AddDays(1))
        {
            GoTo(day);
            await Sender.SendDueAsync();
        }
    }

    [Fact]
    public async Task Reminders_go_out_30_and_7_days_before_and_a_renewal_moves_them_to_the_new_end_date()
    {
        var (customer, email) = await CustomerAsync("Cycle Hosting");
        var license = await portal.NewLicenseAsync(customer, protection: new DateOnly(2027, 1, 15));

        await DailyUntilAsync(new DateOnly(2027, 1, 9));

        Assert.Equal(
            [(new DateOnly(2026, 12, 16), 30, new DateOnly(2027, 1, 15)), (new DateOnly(2027, 1, 8), 7, new DateOnly(2027, 1, 15))],
            await RemindersAsync(license.Id)
        );
        await using (var db = await portal.DbAsync())
        {
            var emails = await db.Outbox.Where(m => m.To == email).OrderBy(m => m.Id).ToListAsync();
            Assert.Equal(2, emails.Count);
            Assert.All(
                emails,
                m => Assert.Equal($"Upgrade protection for SmarterMail license {license.Key} ends on 15 January 2027", m.Subject)
            );
            Assert.Contains(
                $"{license.Key} · SmarterMail 12.x Professional 250 mailboxes: ends on 15 January 2027 (in 30 days)",
                emails[0].Body
            );
            Assert.Contains("(in 7 days)", emails[1].Body);
            Assert.Contains(
                "Renewed on or before its end date, it runs on for\n12 months from that date",
                emails[0].Body.ReplaceLineEndings("\n")
            );
            Assert.Equal(
                2,
                await db.LicenseEvents.CountAsync(e => e.LicenseId == license.Id && e.Kind == LicenseEventKinds.ProtectionReminder)
            );
            Assert.Equal(
                2,
                await db.AuditLog.CountAsync(a =>
                    a.Action == "Protection reminder sent" && a.EntityId == license.Key && a.UserName == "protection reminders"
                )
            );
        }

        // The customer renews on the call after the 7-day reminder: the new end date follows the old one.
        var quotes = portal.Service<QuoteService>();
        var quote = await quotes.CreateDraftAsync(
            Sales,
            customer,
            [new QuoteRequestLine(license.Id, license.EditionId, license.LevelId, false, RenewProtection: true)],
            30,
            null
        );
        await quotes.AcceptAsync(TestData.As(Roles.Manager), quote);
        await DailyUntilAsync(new DateOnly(2027, 2, 20));
        Assert.Equal(2, (await RemindersAsync(license.Id)).Count);

        // Eleven months on, the new end date gets its own two reminders.
        GoTo(new DateOnly(2027, 12, 1));
        await DailyUntilAsync(new DateOnly(2028, 1, 20));

        Assert.Equal(
            [
                (new DateOnly(2026, 12, 16), 30, new DateOnly(2027, 1, 15)),
                (new DateOnly(2027, 1, 8), 7, new DateOnly(2027, 1, 15)),
                (new DateOnly(2027, 12, 16), 30, new DateOnly(2028, 1, 15)),
                (new DateOnly(2028, 1, 8), 7, new DateOnly(2028, 1, 15)),
            ],
            await RemindersAsync(license.Id)
        );
        await using var check = await portal.DbAsync();
        Assert.Equal(4, await check.Outbox.CountAsync(m => m.To == email));
        Assert.Contains("ends on 15 January 2028", (await check.Outbox.Where(m => m.To == email).OrderBy(m => m.Id).LastAsync()).Subject);
    }

    [Fact]
    public async Task A_late_renewal_after_the_reminders_gives_the_new_end_date_its_reminders_a_year_from_acceptance()
    {
        var (customer, _) = await CustomerAsync("Lapsing Hosting");
        var license = await portal.NewLicenseAsync(customer, protection: new DateOnly(2026, 12, 20));
        await DailyUntilAsync(new DateOnly(2027, 1, 5));

        var quotes = portal.Service<QuoteService>();
        await quotes.AcceptAsync(
            TestData.As(Roles.Manager),
            await quotes.CreateDraftAsync(
                Sales,
                customer,
                [new QuoteRequestLine(license.Id, license.EditionId, license.LevelId, false, RenewProtection: true)],
                30,
                null
            )
        );
        GoTo(new DateOnly(2027, 12, 1));
        await DailyUntilAsync(new DateOnly(2028, 1, 6));

        // First cycle: started 24 days before the end, so the 30-day reminder went out that day.
        Assert.Equal(
            [
                (new DateOnly(2026, 11, 26), 30, new DateOnly(2026, 12, 20)),
                (new DateOnly(2026, 12, 13), 7, new DateOnly(2026, 12, 20)),
                (new DateOnly(2027, 12, 6), 30, new DateOnly(2028, 1, 5)),
                (new DateOnly(2027, 12, 29), 7, new DateOnly(2028, 1, 5)),
            ],
            await RemindersAsync(license.Id)
        );
    }

    [Fact]
    public async Task Running_again_or_twice_at_once_never_sends_a_reminder_twice()
    {
        var (customer, email) = await CustomerAsync("Twice Hosting");
        var license = await portal.NewLicenseAsync(customer, protection: Today.AddDays(7));

        var runs = await Task.WhenAll(Sender.SendDueAsync(), Sender.SendDueAsync(), Sender.SendDueAsync());
        var again = await Sender.SendDueAsync();

        Assert.Equal(0, again.RemindersSent);
        Assert.Single(await RemindersAsync(license.Id));
        await using var db = await portal.DbAsync();
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.To == email));
        Assert.Equal(
            1,
            await db.LicenseEvents.CountAsync(e => e.LicenseId == license.Id && e.Kind == LicenseEventKinds.ProtectionReminder)
        );
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "Protection reminder sent" && a.EntityId == license.Key));
        Assert.Equal(await db.ProtectionReminders.CountAsync(), runs.Sum(r => r.RemindersSent));
    }

    [Fact]
    public async Task A_customer_with_several_licenses_due_gets_one_email_listing_them()
    {
        var (customer, email) = await CustomerAsync("Several Hosting");
        var a = await portal.NewLicenseAsync(customer, protection: Today.AddDays(30));
        var b = await portal.NewLicenseAsync(
            customer,
            product: "SmarterTrack",
            major: 18,
            edition: "Enterprise",
            level: "10 agents",
            failover: true,
            protection: Today.AddDays(12)
        );
        var c = await portal.NewLicenseAsync(customer, protection: Today.AddDays(2));

        await Sender.SendDueAsync();

        await using var db = await portal.DbAsync();
        var message = await db.Outbox.SingleAsync(m => m.To == email);
        Assert.Equal("Upgrade protection for 3 of your licenses ends soon", message.Subject);
        Assert.Equal("Protection reminder: 3 licenses of Several Hosting", message.About);
        Assert.Contains($"{c.Key} · SmarterMail 12.x Professional 250 mailboxes: ends on 28 November 2026 (in 2 days)", message.Body);
        Assert.Contains(
            $"{b.Key} · SmarterTrack 18.x Enterprise 10 agents with failover: ends on 8 December 2026 (in 12 days)",
            message.Body
        );
        Assert.Contains($"{a.Key} · SmarterMail 12.x Professional 250 mailboxes: ends on 26 December 2026 (in 30 days)", message.Body);
        Assert.Equal([7], (await RemindersAsync(c.Id)).Select(r => r.Days));
        Assert.Equal([30], (await RemindersAsync(b.Id)).Select(r => r.Days));
        Assert.Equal([30], (await RemindersAsync(a.Id)).Select(r => r.Days));
    }

    [Fact]
    public async Task Disabled_lapsed_distant_and_unprotected_licenses_get_no_reminder()
    {
        var (customer, email) = await CustomerAsync("Quiet Hosting");
        var disabled = await portal.NewLicenseAsync(customer, protection: Today.AddDays(7));
        await portal.NewLicenseAsync(customer, protection: Today.AddDays(-1));
        await portal.NewLicenseAsync(customer, protection: Today.AddDays(31));
        await portal.NewLicenseAsync(customer);
        await using (var db = await portal.DbAsync())
            await db.Licenses.Where(l => l.Id == disabled.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LicenseStatus.Disabled));

        await Sender.SendDueAsync();

        await using var check = await portal.DbAsync();
        Assert.Equal(0, await check.Outbox.CountAsync(m => m.To == email));
        Assert.False(
            await check.ProtectionReminders.AnyAsync(r => check.Licenses.Any(l => l.Id == r.LicenseId && l.CustomerId == customer))
        );
    }

    [Fact]
    public async Task Reminder_days_are_the_vendors_days()
    {
        var (customer, _) = await CustomerAsync("Zone Hosting");
        var license = await portal.NewLicenseAsync(customer, protection: new DateOnly(2027, 1, 15));

        // 03:00 UTC on 17 December is still 16 December in Phoenix: 30 days before the end.
        GoTo(new DateOnly(2026, 12, 17));
        portal.Clock.Advance(TimeSpan.FromHours(-9));
        await Sender.SendDueAsync();

        Assert.Equal([30], (await RemindersAsync(license.Id)).Select(r => r.Days));
    }

    [Fact]
    public async Task The_reminder_days_come_from_configuration_and_none_means_none()
    {
        var (customer, _) = await CustomerAsync("Configured Hosting");
        var license = await portal.NewLicenseAsync(customer, protection: Today.AddDays(14));
        using var scope = portal.Services.CreateScope();
        ProtectionReminderSender With(string days) =>
            ActivatorUtilities.CreateInstance<ProtectionReminderSender>(
                scope.ServiceProvider,
                Options.Create(new RenewalOptions { ReminderDays = days })
            );

        Assert.Equal(new ReminderRun(0, 0, 0), await With("").SendDueAsync());
        Assert.Empty(await RemindersAsync(license.Id));
        await With("14, 3").SendDueAsync();

        Assert.Equal([14], (await RemindersAsync(license.Id)).Select(r => r.Days));
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Fraud)]
    [InlineData(Roles.Admin)]
    public async Task Only_managers_send_the_reminders_by_hand(string role)
    {
        // The demo licenses' reminders due today go out first, so the run by hand has only this license's to send.
        var demo = await Sender.SendDueAsync();
        var (customer, _) = await CustomerAsync("Manual Hosting");
        var license = await portal.NewLicenseAsync(customer, protection: Today.AddDays(7));

        var error = await Assert.ThrowsAsync<DomainException>(() => Sender.RunNowAsync(TestData.As(role)));
        Assert.Equal("Only managers can send the protection reminders by hand.", error.Message);
        Assert.Empty(await RemindersAsync(license.Id));

        var run = await Sender.RunNowAsync(TestData.As(Roles.Manager, "maria@example.com"));
        // Still due today are the demo licenses, already reminded, and this one, reminded now in one email.
        Assert.Equal(new ReminderRun(LicensesDue: demo.LicensesDue + 1, RemindersSent: 1, EmailsQueued: 1), run);
        Assert.Equal([7], (await RemindersAsync(license.Id)).Select(r => r.Days));
        await using var db = await portal.DbAsync();
        Assert.Equal(
            "maria@example.com",
            (await db.AuditLog.SingleAsync(a => a.Action == "Protection reminder sent" && a.EntityId == license.Key)).UserName
        );
    }
}

public class ReminderSettingsTests
{
    private sealed class ConfiguredPortal(string key, string value) : PortalFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }

    [Theory]
    [InlineData("Renewals:ReminderDays", "30,0", "Renewals:ReminderDays: \"0\" is not a number of days between 1 and 365")]
    [InlineData("Renewals:ProtectionEndingDays", "0", "Renewals:ProtectionEndingDays must be between 1 and 365 days.")]
    public async Task A_setting_out_of_range_stops_the_portal_with_a_clear_message(string key, string value, string message)
    {
        await using var portal = new ConfiguredPortal(key, value) { Licenses = 10 };

        var error = Assert.Throws<OptionsValidationException>(() => portal.Server);

        Assert.Contains(message, error.Message);
    }
}
