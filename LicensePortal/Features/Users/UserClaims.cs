namespace LicensePortal.Features.Users;

public static class UserClaims
{
    public const string DisplayName = "portal:display_name";

    /// <summary>"on" when the user had two-factor sign-in when this sign-in was made (turning it on or off renews the sign-in).</summary>
    public const string TwoFactor = "portal:two_factor";
}
