using LicensePortal.Components;
using LicensePortal.Components.Account;
using LicensePortal.Data;
using LicensePortal.Data.Backups;
using LicensePortal.Data.Demo;
using LicensePortal.Features.Activation;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Catalog;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Home;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Management;
using LicensePortal.Features.Outbox;
using LicensePortal.Features.Quotes;
using LicensePortal.Features.Renewals;
using LicensePortal.Features.SignIn;
using LicensePortal.Features.Transfers;
using LicensePortal.Features.Users;
using LicensePortal.Infrastructure;

var builder = WebApplication.CreateBuilder(CommandLine.Normalize(args));

builder.AddWebSecurity();
builder.AddDatabase();
builder.AddDataProtectionKeys();
builder.AddBackups();
builder.AddPortalIdentity();
builder.AddPortalUi();
builder.AddDemoData();
builder.AddClock();
builder.AddSignInFeature();
builder.AddInstallationsFeature();
builder.AddHomeFeature();
builder.AddCustomersFeature();
builder.AddLicensesFeature();
builder.AddLicensingFeature();
builder.AddCatalogFeature();
builder.AddOutboxFeature();
builder.AddQuotesFeature();
builder.AddRenewalsFeature();
builder.AddFraudFeature();
builder.AddActivationFeature();
builder.AddTransfersFeature();
builder.AddAuditFeature();
builder.AddManagementFeature();
builder.AddUsersFeature();
builder.AddPortalHealthChecks();

var app = builder.Build();

// Commands first: restore replaces the file before anything opens it; the others migrate as they need.
if (await app.RunCommandAsync(args))
    return;
await app.Services.MigrateDatabaseAsync();
await app.SeedDemoDataIfEnabledAsync();

app.UseWebSecurity();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();

// The security headers already forbid framing (WebSecurity); Blazor would add a second, looser policy.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
app.MapAccountEndpoints();
app.MapCatalogEndpoints();
app.MapLicensesEndpoints();
app.MapOutboxEndpoints();
app.MapQuotesEndpoints();
app.MapActivationEndpoints();
app.MapTransfersEndpoints();
app.MapPortalHealthChecks();

app.Run();

public partial class Program;
