namespace LicensePortal.Data.Demo;

public sealed record DemoUser(string Email, string DisplayName, string Title, string Role);
