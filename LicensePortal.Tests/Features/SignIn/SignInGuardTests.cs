using System.Net;
using LicensePortal.Features.SignIn;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LicensePortal.Tests.Features.SignIn;

public class SignInGuardTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7"),
        Office = IPAddress.Parse("198.51.100.20");
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private readonly SignInGuard guard;

    public SignInGuardTests() =>
        guard = new SignInGuard(
            Options.Create(
                new SignInSettings
                {
                    AttemptsPerAddressPerMinute = 3,
                    FailuresBeforeBar = 5,
                    BarMinutes = 15,
                }
            ),
            clock
        );

    [Fact]
    public void An_address_gets_its_attempts_per_minute_then_waits_for_the_next_minute()
    {
        Assert.True(guard.TryAttempt(Attacker));
        Assert.True(guard.TryAttempt(Attacker));
        Assert.True(guard.TryAttempt(Attacker));
        Assert.False(guard.TryAttempt(Attacker));
        Assert.True(guard.TryAttempt(Office));

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(guard.TryAttempt(Attacker));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(guard.TryAttempt(Attacker));
    }

    [Fact]
    public void Five_failures_bar_that_address_from_that_account_and_nobody_else()
    {
        for (var i = 0; i < 4; i++)
            Assert.Null(guard.TryBegin("admin@example.com", Attacker));
        Assert.Null(guard.BarredFor("admin@example.com", Attacker));

        Assert.Null(guard.TryBegin("ADMIN@example.com ", Attacker));

        Assert.Equal(TimeSpan.FromMinutes(15), guard.BarredFor("admin@example.com", Attacker));
        // The admin at the office still signs in: the attacker cannot keep the last admin out.
        Assert.Null(guard.BarredFor("admin@example.com", Office));
        Assert.Null(guard.BarredFor("sales@example.com", Attacker));
    }

    [Fact]
    public void A_bar_lifts_after_its_minutes_and_the_count_starts_again()
    {
        for (var i = 0; i < 5; i++)
            guard.TryBegin("admin@example.com", Attacker);
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(TimeSpan.FromMinutes(1), guard.BarredFor("admin@example.com", Attacker));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(guard.BarredFor("admin@example.com", Attacker));
        guard.TryBegin("admin@example.com", Attacker);
        Assert.Null(guard.BarredFor("admin@example.com", Attacker));
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_never_bar()
    {
        for (var i = 0; i < 12; i++)
        {
            guard.TryBegin("sales@example.com", Office);
            if (i % 4 == 3)
                clock.Advance(TimeSpan.FromMinutes(16));
        }
        Assert.Null(guard.BarredFor("sales@example.com", Office));
    }

    [Fact]
    public void Signing_in_forgets_the_failures_from_that_address()
    {
        for (var i = 0; i < 4; i++)
            guard.TryBegin("sales@example.com", Office);
        guard.Succeeded("sales@example.com", Office);
        for (var i = 0; i < 4; i++)
            guard.TryBegin("sales@example.com", Office);
        Assert.Null(guard.BarredFor("sales@example.com", Office));
    }

    [Fact]
    public async Task Attempts_sent_side_by_side_get_no_more_tries_than_one_after_another()
    {
        var allowed = await Task.WhenAll(
            Enumerable.Range(0, 40).Select(_ => Task.Run(() => guard.TryBegin("admin@example.com", Attacker) is null))
        );

        Assert.Equal(5, allowed.Count(a => a));
    }

    [Theory]
    [InlineData("2001:db8:1:2::7", "2001:db8:1:2:ffff::1", true)]
    [InlineData("2001:db8:1:2::7", "2001:db8:1:3::7", false)]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7", true)]
    public void An_IPv6_network_counts_as_one_address(string first, string second, bool same)
    {
        for (var i = 0; i < 5; i++)
            guard.TryBegin("admin@example.com", IPAddress.Parse(first));
        Assert.Equal(same, guard.BarredFor("admin@example.com", IPAddress.Parse(second)) is not null);
    }

    private SignInGuard Small(int capacity, int perNetwork = SignInGuard.MaxPerNetwork) =>
        new(
            Options.Create(
                new SignInSettings
                {
                    AttemptsPerAddressPerMinute = 3,
                    FailuresBeforeBar = 5,
                    BarMinutes = 15,
                }
            ),
            clock,
            capacity,
            perNetwork
        );

    private static IPAddress Numbered(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);

    [Fact]
    public void A_full_table_forgets_the_entry_used_least_recently_instead_of_turning_new_addresses_away()
    {
        var small = Small(capacity: 100);
        for (var i = 0; i < 100; i++)
            Assert.True(small.TryAttempt(Numbered(i)));
        for (var i = 0; i < 5; i++)
            small.TryBegin("admin@example.com", Attacker);

        // The table is full: a new address still gets in, and the bar, used most recently, is kept.
        Assert.True(small.TryAttempt(Office));
        Assert.Equal(100, small.Entries);
        Assert.NotNull(small.BarredFor("admin@example.com", Attacker));
    }

    [Fact]
    public void Made_up_accounts_keep_no_entries_of_their_own_yet_are_barred_like_real_ones()
    {
        for (var i = 0; i < 2_000; i++)
            guard.TryBegin($"nobody{i}@example.com", Attacker, exists: false);
        Assert.True(guard.Entries <= SignInGuard.UnknownBuckets, $"{guard.Entries} entries");

        for (var i = 0; i < 5; i++)
            guard.TryBegin("ghost@example.com", Office, exists: false);
        Assert.NotNull(guard.BarredFor("ghost@example.com", Office, exists: false));
        Assert.DoesNotContain("GHOST@EXAMPLE.COM", guard.BarredAccounts());
    }

    [Fact]
    public void One_network_holds_only_its_share_of_the_table()
    {
        var small = Small(capacity: 1_000, perNetwork: 10);
        Assert.True(small.TryAttempt(Office));
        for (var i = 0; i < 256; i++)
            small.TryAttempt(IPAddress.Parse($"203.0.113.{i}"));
        for (var i = 0; i < 50; i++)
            small.TryBegin("admin@example.com", IPAddress.Parse($"2001:db8:1:2::{i:x}"));

        Assert.Equal(1 + 10 + 1, small.Entries);
        Assert.True(small.TryAttempt(Office));
    }

    [Theory]
    [InlineData("Manager,Admin", "Manager", true)]
    [InlineData("Manager, Admin", "admin", true)]
    [InlineData("Manager,Admin", "Sales", false)]
    [InlineData("", "Admin", false)]
    public void Roles_requiring_two_factor_come_from_configuration(string setting, string role, bool required) =>
        Assert.Equal(required, new SignInSettings { TwoFactorRequiredFor = setting }.RequiresTwoFactor([role]));
}
