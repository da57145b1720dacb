namespace LicensePortal.Data.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Create demo users and data when the database is empty.</summary>
    public bool Seed { get; set; }

    public int Licenses { get; set; } = 1500;

    /// <summary>Password of every demo user.</summary>
    public string Password { get; set; } = "Demo#Portal2026";

    /// <summary>Seed of the random generator, so every demo database looks the same.</summary>
    public int RandomSeed { get; set; } = 20261126;
}
