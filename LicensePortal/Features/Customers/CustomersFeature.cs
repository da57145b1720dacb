using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using LicensePortal.Data;
using LicensePortal.Features.Audit;
using LicensePortal.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Features.Customers;

public static class CustomersFeature
{
    public static WebApplicationBuilder AddCustomersFeature(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CustomerService>();
        return builder;
    }
}
