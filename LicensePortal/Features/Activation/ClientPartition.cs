using System.Net;
using System.Net.Sockets;

namespace LicensePortal.Features.Activation;

/// <summary>Who a rate limit counts as one client: one IPv4 address, or one IPv6 /64, the block one customer is given.</summary>
public static class ClientPartition
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
