namespace LicensePortal.Features.Customers;

public static class CustomersFeature
{
    public static WebApplicationBuilder AddCustomersFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CustomerService>();
        return builder;
    }
}
