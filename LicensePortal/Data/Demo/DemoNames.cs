namespace LicensePortal.Data.Demo;

internal static class DemoNames
{
    public static readonly string[] CompanyFirst =
    [
        "Northwind", "Bluewater", "Summit", "Redwood", "Silverline", "Ironbridge", "Clearpath", "Harbor", "Pinecrest", "Evergreen",
        "Granite", "Lakeside", "Brightwave", "Cedar", "Falcon", "Meridian", "Oakridge", "Pioneer", "Riverbend", "Sterling",
        "Trident", "Vantage", "Westfield", "Keystone", "Horizon", "Atlas", "Beacon", "Cobalt", "Driftwood", "Elm Street",
        "Foxglove", "Golden Gate", "Highland", "Juniper", "Kingsley", "Lighthouse", "Maple", "Nimbus", "Orchard", "Prairie",
    ];

    public static readonly string[] CompanySecond =
    [
        "Hosting", "Networks", "Data Systems", "Web Services", "IT Solutions", "Communications", "Cloud", "Internet", "Technologies", "Digital",
        "Managed Services", "Mail Services", "Consulting", "Telecom", "Online", "Software",
    ];

    public static readonly string[] CompanySuffix = ["LLC", "Inc.", "Ltd", "GmbH", "Corp.", "Pty Ltd", "B.V.", "AB", ""];

    public static readonly string[] FirstNames =
    [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara",
        "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa", "Matthew", "Nancy",
        "Anthony", "Sandra", "Mark", "Ashley", "Priya", "Emily", "Kenji", "Anna", "Lars", "Sofia", "Ahmed", "Fatima", "Wei", "Olga",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez",
        "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark",
        "Lewis", "Walker", "Patel", "Nakamura", "Johansson", "Rossi", "Schmidt", "Dubois", "Kowalski", "Okafor", "Chen", "Ivanova",
    ];

    public static readonly string[] JobTitles = ["IT Director", "Systems Administrator", "CTO", "Purchasing Manager", "Owner", "Network Engineer", "Office Manager"];

    public static readonly string[] Streets = ["Main St", "Oak Ave", "Maple Dr", "Park Rd", "Cedar Ln", "Elm St", "Lake View Blvd", "Hill St", "Market St", "Commerce Way", "Industrial Pkwy", "River Rd"];

    /// <summary>City, region, country, phone prefix, postal code pattern (# = digit).</summary>
    public static readonly (string City, string? Region, string Country, string PhonePrefix, string Postal)[] Places =
    [
        ("Portland", "OR", "United States", "+1 503", "972##"),
        ("Austin", "TX", "United States", "+1 512", "787##"),
        ("Chicago", "IL", "United States", "+1 312", "606##"),
        ("Denver", "CO", "United States", "+1 303", "802##"),
        ("Atlanta", "GA", "United States", "+1 404", "303##"),
        ("Phoenix", "AZ", "United States", "+1 602", "850##"),
        ("Toronto", "ON", "Canada", "+1 416", "M5V #A#"),
        ("Vancouver", "BC", "Canada", "+1 604", "V6B #C#"),
        ("London", null, "United Kingdom", "+44 20", "EC1A #BB"),
        ("Manchester", null, "United Kingdom", "+44 161", "M1 #AE"),
        ("Berlin", null, "Germany", "+49 30", "10###"),
        ("Munich", null, "Germany", "+49 89", "80###"),
        ("Amsterdam", null, "Netherlands", "+31 20", "10## AB"),
        ("Stockholm", null, "Sweden", "+46 8", "11# ##"),
        ("Sydney", "NSW", "Australia", "+61 2", "2###"),
        ("Melbourne", "VIC", "Australia", "+61 3", "3###"),
    ];
}
