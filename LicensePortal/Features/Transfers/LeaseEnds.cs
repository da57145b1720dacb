using LicensePortal.Data;
using LicensePortal.Features.Licensing;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Transfers;

/// <summary>What a lease's end means for what is issued while it runs.</summary>
public static class LeaseEnds
{
    /// <summary>An offline file issued now never outlives the lease the license is on: it expires when the lease ends.</summary>
    public static async Task<DateTime> CapAtLeaseEndAsync(
        this AppDbContext db,
        int licenseId,
        DateTime expiresAt,
        VendorCalendar calendar,
        CancellationToken ct = default
    )
    {
        var leaseEnds = await db
            .TransferRequests.Where(t =>
                t.LicenseId == licenseId
                && t.Kind == TransferKind.Lease
                && t.Status == TransferStatus.Approved
                && t.ReturnedAt == null
                && t.License!.CustomerId == t.ToCustomerId
            )
            .Select(t => t.LeaseEndsOn)
            .FirstOrDefaultAsync(ct);
        if (leaseEnds is not { } ends)
            return expiresAt;
        var returnsAt = calendar.StartOfDayUtc(ends);
        return returnsAt < expiresAt ? returnsAt : expiresAt;
    }
}
