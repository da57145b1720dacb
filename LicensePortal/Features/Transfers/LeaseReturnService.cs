using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Features.Customers;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using LicensePortal.Features.Outbox;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Transfers;

/// <summary>Returns leases to their lessors on their end date; checks hourly on the portal's clock.</summary>
public sealed class LeaseReturnService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LeaseReturnService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TransferService>().ReturnDueLeasesAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Returning ended leases failed; it runs again within the hour.");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
