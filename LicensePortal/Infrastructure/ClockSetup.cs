namespace LicensePortal.Infrastructure;

public static class ClockSetup
{
    /// <summary>Every time the portal reads comes from this clock; tests put a fake one in its place.</summary>
    public static WebApplicationBuilder AddClock(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
