using System.Text.RegularExpressions;

namespace LicensePortal.Features.Activation;

/// <summary>
/// What the activation API checks about its input, field by field. Every field is one line: the patterns are anchored
/// with \A and \z (a trailing newline would satisfy $), so "m1\n" is malformed, never a second machine.
/// </summary>
public static partial class ActivationValidation
{
    public const int MaxMachineId = 128,
        MaxHostname = 255,
        MaxVersion = 32;

    public static Dictionary<string, string[]> Check(CheckInRequest r)
    {
        var errors = CheckKeyAndMachine(r.LicenseKey, r.MachineId);
        if (string.IsNullOrWhiteSpace(r.Hostname))
            errors["hostname"] = ["hostname is required."];
        else if (r.Hostname.Length > MaxHostname || !Hostname().IsMatch(r.Hostname))
            errors["hostname"] = [$"hostname must be a host name of at most {MaxHostname} characters (letters, digits, '-', '.', '_')."];
        if (string.IsNullOrWhiteSpace(r.ProductVersion))
            errors["productVersion"] = ["productVersion is required."];
        else if (r.ProductVersion.Length > MaxVersion || !Version().IsMatch(r.ProductVersion))
            errors["productVersion"] = ["productVersion must look like 12.3 or 12.3.9142."];
        return errors;
    }

    public static Dictionary<string, string[]> CheckKeyAndMachine(string? key, string? machineId)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(key))
            errors["licenseKey"] = ["licenseKey is required."];
        else if (key.Any(char.IsControl))
            errors["licenseKey"] = ["licenseKey must be one line: no line break or other control character."];
        else if (Licenses.LicenseKey.Normalize(key) is null)
            errors["licenseKey"] = ["licenseKey must be 25 characters in five groups of five, like 7KQ2M-ZP4XD-HT9WC-3NRYF-M8VBE."];
        if (string.IsNullOrWhiteSpace(machineId))
            errors["machineId"] = ["machineId is required."];
        else if (machineId.Length > MaxMachineId || !MachineId().IsMatch(machineId))
            errors["machineId"] = [$"machineId must be at most {MaxMachineId} letters, digits, '-', '_', ':' or '.'."];
        return errors;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9._-]+\z")]
    private static partial Regex Hostname();

    [GeneratedRegex(@"\A[0-9]+(\.[0-9]+){0,3}\z")]
    private static partial Regex Version();

    [GeneratedRegex(@"\A[A-Za-z0-9._:-]+\z")]
    private static partial Regex MachineId();
}
