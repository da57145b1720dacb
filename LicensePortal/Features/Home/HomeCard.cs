namespace LicensePortal.Features.Home;

public sealed record HomeCard(string Area, string Title, int Count, string Caption, string Href);
