namespace LicensePortal.Tests.Infrastructure;

/// <summary>One seeded portal for the tests that only read.</summary>
[CollectionDefinition(Name)]
public sealed class SharedPortal : ICollectionFixture<PortalFactory>
{
    public const string Name = "shared portal";
}
