using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace LicensePortal.Tests.Infrastructure;

/// <summary>A key ring in memory: what a portal without a key store of its own gets in a container.</summary>
public sealed class PerProcessKeys : IXmlRepository
{
    private readonly List<XElement> keys = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (keys)
            return [.. keys.Select(k => new XElement(k))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (keys)
            keys.Add(new XElement(element));
    }
}
