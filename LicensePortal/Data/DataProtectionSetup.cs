using Microsoft.AspNetCore.DataProtection;

namespace LicensePortal.Data;

public static class DataProtectionSetup
{
    /// <summary>
    /// Keeps the data-protection key ring in the database, under a fixed application name, so sign-in
    /// cookies, antiforgery tokens and circuits issued by one instance are read by the others and
    /// survive a restart or a move to another folder. Without it the keys live in the user profile
    /// (or, in a container, in memory), and every restart signs everyone out.
    /// </summary>
    public static WebApplicationBuilder AddDataProtectionKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().PersistKeysToDbContext<AppDbContext>().SetApplicationName("LicensePortal");
        return builder;
    }
}
