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

    /// <summary>Activation requests in progress on this instance, whoever sends them.</summary>
    private readonly ConcurrencyLimiter inProgress = new(
        new ConcurrencyLimiterOptions { PermitLimit = options.Value.MaxConcurrentRequests, QueueLimit = 0 }
    );

    public bool TryAcquire(string key) => limiter.AttemptAcquire(key).IsAcquired;

    /// <summary>A place among the requests in progress, or null when the instance is full (answer 503).</summary>
    public RateLimitLease? TryEnter()
    {
        var lease = inProgress.AttemptAcquire();
        if (lease.IsAcquired)
            return lease;
        lease.Dispose();
        return null;
    }

    public void Dispose()
    {
        limiter.Dispose();
        inProgress.Dispose();
    }
}
