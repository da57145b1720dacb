using Bunit;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace LicensePortal.Tests.Components;

/// <summary>The resolve and re-enable dialogs refuse before they close, and never lose what was typed.</summary>
public class ResolveDialogTests : BunitContext
{
    private static readonly DateTime Now = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);
    private readonly List<Resolution> submitted = [];
    private readonly IRenderedComponent<MudDialogProvider> provider;

    public ResolveDialogTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Render<MudPopoverProvider>();
        provider = Render<MudDialogProvider>();
    }

    private static InstallationView Server(long id, string host) =>
        new(id, host, $"machine-{id}", "12.3", Now.AddDays(-60), Now.AddDays(-60), Now.AddHours(-1), InstallationState.Active, false);

    private async Task OpenAsync(Func<Resolution, Task> submit)
    {
        var standing = new Standing(
            StandingStatus.Flagged,
            1,
            2,
            TimeSpan.FromDays(31),
            Now.AddDays(-31),
            null,
            Now.AddDays(13),
            false,
            Now.AddDays(13)
        );
        var parameters = new DialogParameters<ResolveDialog>
        {
            { d => d.Installations, [Server(1, "old.example.com"), Server(2, "new.example.com")] },
            { d => d.Standing, standing },
            { d => d.OtherLicenses, [] },
            { d => d.Submit, submit },
        };
        await provider.InvokeAsync(() =>
            Services.GetRequiredService<IDialogService>().ShowAsync<ResolveDialog>("Resolve case", parameters)
        );
    }

    private void TypeNote(string note) => provider.Find("textarea").Change(note);

    /// <summary>The button sits outside its form and names it (form="…"); bunit does not follow that, so submit the form it
    /// names.</summary>
    private void ClickResolve()
    {
        var button = provider.FindAll("button").Single(b => b.TextContent.Contains("Resolve case"));
        provider.Find($"form#{button.GetAttribute("form")}").Submit();
    }

    [Fact]
    public async Task Migration_completed_while_still_over_allowance_is_refused_in_the_dialog_and_the_note_stays()
    {
        await OpenAsync(r =>
        {
            submitted.Add(r);
            return Task.CompletedTask;
        });
        TypeNote("Customer moved last week");

        ClickResolve();

        provider.WaitForAssertion(() => Assert.Contains("would still have 2 active installations and allows 1", provider.Markup));
        Assert.Empty(submitted);
        Assert.Equal("Customer moved last week", provider.Find("textarea").GetAttribute("value") ?? provider.Find("textarea").TextContent);
        Assert.Contains("Mark old.example.com decommissioned", provider.Markup);
    }

    [Fact]
    public async Task Marking_the_old_server_decommissioned_in_the_same_step_resolves_the_case()
    {
        await OpenAsync(r =>
        {
            submitted.Add(r);
            return Task.CompletedTask;
        });
        TypeNote("Old server switched off on the call");
        provider.FindAll("input[type=checkbox]")[0].Change(true);

        ClickResolve();

        provider.WaitForAssertion(() => Assert.Single(submitted));
        Assert.Equal((CaseOutcome.MigrationCompleted, "Old server switched off on the call"), (submitted[0].Outcome, submitted[0].Note));
        Assert.Equal([1L], submitted[0].Decommission!);
        provider.WaitForAssertion(() => Assert.DoesNotContain("Resolve case", provider.Markup));
    }

    [Fact]
    public async Task A_refusal_from_the_service_shows_in_the_open_dialog_with_the_note_kept()
    {
        await OpenAsync(_ => throw new DomainException("Someone else changed this case at the same time. Reload and try again."));
        TypeNote("Two servers are one cluster");
        provider.FindAll("input[type=checkbox]")[0].Change(true);

        ClickResolve();

        provider.WaitForAssertion(() => Assert.Contains("Someone else changed this case at the same time", provider.Markup));
        Assert.Contains("Resolve case", provider.Markup);
        Assert.Contains("Two servers are one cluster", provider.Markup);
    }
}
