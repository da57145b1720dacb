namespace LicensePortal.Features.Customers;

public sealed record CustomerRow(int Id, string Name, string Email, string Phone, string City, string Country, int Licenses);

public sealed record CustomerLicense(
    int Id,
    string Key,
    string Product,
    int Major,
    string Edition,
    string Level,
    bool HasFailover,
    DateOnly? ProtectionEndsOn,
    Licenses.LicenseStatus Status
);

public sealed record CustomerQuote(int Id, string Number, DateOnly QuoteDate, DateOnly ValidUntil, Quotes.QuoteStatus State, decimal Total);

public sealed record CustomerDetail(Customer Customer, IReadOnlyList<CustomerLicense> Licenses, IReadOnlyList<CustomerQuote> Quotes);
