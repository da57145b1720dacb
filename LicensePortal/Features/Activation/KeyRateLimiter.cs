using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>Limits each license key; keys are read from the body, so this runs inside the endpoint.</summary>
public sealed class KeyRateLimiter(IOptions<ActivationOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(
            key,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.Value.PerKeyPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }
        )
    );

    public bool TryAcquire(string key) => limiter.AttemptAcquire(key).IsAcquired;

    public void Dispose() => limiter.Dispose();
}
