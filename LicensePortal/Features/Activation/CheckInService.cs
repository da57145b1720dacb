using System.Data.Common;
using LicensePortal.Data;
using LicensePortal.Features.Fraud;
using LicensePortal.Features.Installations;
using LicensePortal.Features.Licenses;
using LicensePortal.Features.Licensing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Activation;

/// <summary>
/// Check-ins and releases from deployed products. A check-in is one upsert per (license,
/// machine): concurrent check-ins from one machine meet in the database's unique index, never
/// in two rows; the answer is computed after the row is stored.
/// </summary>
public sealed class CheckInService(
    IDbContextFactory<AppDbContext> dbFactory,
    CheckInCommands commands,
    WriteGate writes,
    ReleaseService releases,
    KnownKeys knownKeys,
    VendorCalendar calendar,
    IOptions<InstallationOptions> options,
    IOptions<ActivationOptions> activation
)
{
    /// <summary>
    /// <see cref="InstallationStanding.StartsNewStint"/> in SQL: the present stint of the row <paramref name="row"/> no longer
    /// counts (released, decommissioned, or unseen since $staleBefore with no offline license file current at $now).
    /// </summary>
    internal static string StintEnded(string row) => $"NOT {InstallationQueries.ActiveSql(row, "$staleBefore", "$now")}";

    /// <summary>
    /// The check-in is the portal's hottest path, so it is one command: the upsert (which also finds
    /// the key: no row back means no such key; when it starts a new stint, the database's trigger
    /// keeps the one that ended, in the same statement), then the license with its open case and its
    /// installations' present stints, and its earlier stints within the look-back — everything the answer needs.
    /// </summary>
    internal static readonly string CheckInSql = $"""
        INSERT INTO "Installations" ("LicenseId", "MachineId", "Hostname", "ProductVersion", "FirstSeenAt", "StintStartedAt", "LastSeenAt")
        SELECT "Id", $machine, $host, $version, $now, $now, $now FROM "Licenses" WHERE "Key" = $key
        ON CONFLICT ("LicenseId", "MachineId") DO UPDATE SET
            "Hostname" = excluded."Hostname", "ProductVersion" = excluded."ProductVersion", "LastSeenAt" = excluded."LastSeenAt",
            "StintStartedAt" = CASE WHEN {StintEnded(
            "\"Installations\""
        )} THEN excluded."LastSeenAt" ELSE "Installations"."StintStartedAt" END,
            "OfflineUntil" = CASE WHEN {StintEnded("\"Installations\"")} THEN NULL ELSE "Installations"."OfflineUntil" END,
            "ReleaseCodeHash" = CASE WHEN {StintEnded("\"Installations\"")} THEN NULL ELSE "Installations"."ReleaseCodeHash" END,
            "ReleasedAt" = NULL, "DecommissionedAt" = NULL
        RETURNING "LicenseId";
        SELECT l."HasFailover", l."Status", l."WindowRestoredAt", l."Major", l."ProtectionEndsOn", c."OpenedAt", COALESCE(c."ExtendedTo", c."DeadlineAt"),
               i."StintStartedAt", i."LastSeenAt", i."ReleasedAt", i."DecommissionedAt", i."OfflineUntil"
        FROM "Licenses" l
        LEFT JOIN "FraudCases" c ON c."LicenseId" = l."Id" AND c.{FraudCase.OpenStatesSql}
        JOIN "Installations" i ON i."LicenseId" = l."Id"
        WHERE l."Key" = $key;
        SELECT s."StartedAt", s."LastSeenAt", s."ReleasedAt", s."DecommissionedAt", s."OfflineUntil"
        FROM "InstallationStints" s JOIN "Licenses" l ON l."Id" = s."LicenseId"
        WHERE l."Key" = $key AND (s."LastSeenAt" >= $stintsSince OR s."OfflineUntil" >= $stintsSince);
        """;

    /// <summary>
    /// Null when the key is unknown. <paramref name="key"/> is the request's key, normalized. The check-in waits for its
    /// turn to write before it takes a connection, so a queue of check-ins holds none; the upsert runs in that turn, the
    /// reads after it. A queue too long or too slow throws <see cref="PortalBusyException"/>.
    /// </summary>
    public async Task<CheckInResponse?> CheckInAsync(string key, CheckInRequest request, CancellationToken ct)
    {
        if (!await knownKeys.ExistsAsync(key, ct))
            return null;
        var turn = await TurnAsync(ct);
        var inTurn = true;
        var now = calendar.UtcNow;
        DbCommand? command = null;
        DbDataReader? reader = null;
        var reusable = false;
        try
        {
            command = await commands.RentAsync(ct);
            // In the order of CheckInCommands.Parameters, whatever each engine calls them.
            command.Parameters[0].Value = key;
            command.Parameters[1].Value = request.MachineId;
            command.Parameters[2].Value = request.Hostname;
            command.Parameters[3].Value = request.ProductVersion;
            command.Parameters[4].Value = now;
            command.Parameters[5].Value = now - options.Value.ActiveWithin;
            command.Parameters[6].Value = StandingQueries.StintsSeenSince(now, options.Value);
            // The statement holds SQLite's write lock from its first step until the reader moves on to the reads.
            reader = await command.ExecuteReaderAsync(ct);
            var known = await reader.ReadAsync(ct);
            if (known)
                await reader.NextResultAsync(ct);
            turn.Dispose();
            inTurn = false;
            var answer = known ? await AnswerAsync(reader, request, now, ct) : null;
            reusable = true;
            return answer;
        }
        finally
        {
            if (inTurn)
                turn.Dispose();
            if (reader is not null)
                await reader.DisposeAsync();
            if (command is not null)
                commands.Return(command, reusable);
        }
    }

    private async Task<WriteGate.Entry> TurnAsync(CancellationToken ct) =>
        await writes.TryEnterAsync(activation.Value.WriteQueueLimit, activation.Value.WriteWait, ct) ?? throw new PortalBusyException();

    /// <summary>Reads the license, its open case and its stints, and answers by the rules.</summary>
    private async Task<CheckInResponse> AnswerAsync(DbDataReader reader, CheckInRequest request, DateTime now, CancellationToken ct)
    {
        bool failover = false,
            disabled = false;
        DateTime? restored = null;
        var (major, protection) = (0, (DateOnly?)null);
        CaseFacts? openCase = null;
        var stints = new List<InstallationFacts>();
        while (await reader.ReadAsync(ct))
        {
            if (stints.Count == 0)
            {
                failover = reader.GetBoolean(0);
                disabled = (LicenseStatus)reader.GetInt32(1) == LicenseStatus.Disabled;
                restored = UtcOrNull(reader, 2);
                major = reader.GetInt32(3);
                protection = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4);
                openCase = reader.IsDBNull(5) ? null : new CaseFacts(Utc(reader.GetDateTime(5)), Utc(reader.GetDateTime(6)));
            }
            stints.Add(Stint(reader, 7));
        }
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
            stints.Add(Stint(reader, 0));
        var standing = InstallationStanding.Evaluate(new LicenseFacts(failover, disabled, restored, stints, openCase), now, options.Value);
        return Answer(standing, VersionEntitlement.Covers(major, protection, request.ProductVersion, calendar.Today) ? null : major);
    }

    private static InstallationFacts Stint(DbDataReader reader, int first) =>
        new(
            Utc(reader.GetDateTime(first)),
            Utc(reader.GetDateTime(first + 1)),
            UtcOrNull(reader, first + 2),
            UtcOrNull(reader, first + 3),
            UtcOrNull(reader, first + 4)
        );

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DateTime? UtcOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Utc(reader.GetDateTime(ordinal));

    /// <summary>
    /// Asks for the machine's release; releasing a machine that never checked in, or one that no longer counts, is not an
    /// error. The release counts after the settle time, within the release limit (<see cref="ReleaseRules"/>). A server
    /// activated offline whose license file has not expired is not released here: its file stays valid, so only the release
    /// code its product printed on uninstall, entered by staff on the license page, stops it counting.
    /// </summary>
    public async Task<ReleaseOutcome> ReleaseAsync(string key, string machineId, CancellationToken ct)
    {
        // An unknown key takes no write turn.
        if (!await knownKeys.ExistsAsync(key, ct))
            return ReleaseOutcome.UnknownKey;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        using var entry = await TurnAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryReleaseAsync(db, key, machineId, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Another instance recorded a release of this license at the same moment: judge this one again after it.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<ReleaseOutcome> TryReleaseAsync(AppDbContext db, string key, string machineId, CancellationToken ct)
    {
        var now = calendar.UtcNow;
        var license = await db.Licenses.FirstOrDefaultAsync(l => l.Key == key, ct);
        if (license is null)
            return ReleaseOutcome.UnknownKey;
        var installation = await db.Installations.FirstOrDefaultAsync(i => i.LicenseId == license.Id && i.MachineId == machineId, ct);
        if (installation is null || !InstallationStanding.IsActive(installation.Stint, now, options.Value))
            return ReleaseOutcome.Released;
        if (InstallationStanding.OfflineCurrent(installation.OfflineUntil, now))
            return ReleaseOutcome.ActivatedOffline;
        if (InstallationStanding.ReleaseSettling(installation.Stint, now))
            return ReleaseOutcome.Released;
        // Asked again without a check-in in between: the release already on record stands (no row a retry).
        if (
            await db.InstallationReleases.AnyAsync(
                r =>
                    r.InstallationId == installation.Id
                    && r.RequestedAt >= installation.LastSeenAt
                    && r.Verdict == ReleaseVerdict.OverLimit,
                ct
            )
        )
            return ReleaseOutcome.Released;
        await releases.AskAsync(db, license, installation, ReleaseSource.Product, now, ct);
        await db.SaveChangesAsync(ct);
        return ReleaseOutcome.Released;
    }

    /// <summary>The answer a product is given for the license's <paramref name="standing"/>.</summary>
    /// <param name="standing">Where the license stands after this check-in.</param>
    /// <param name="licensedMajor">Set when the server runs a later major than the license covers.</param>
    private CheckInResponse Answer(Standing standing, int? licensedMajor)
    {
        var (status, message) = standing.Status switch
        {
            StandingStatus.Active => ("active", "The license is active."),
            StandingStatus.Grace => (
                "grace",
                $"The key is on {standing.ActiveInstallations} servers but allows {standing.Allowance}: this is tolerated as a server "
                    + $"migration until {standing.GraceEndsAt:yyyy-MM-dd HH:mm} UTC. Uninstall the old server before then."
            ),
            StandingStatus.Flagged when standing.DisableAt is null => (
                "flagged",
                $"The key has an open licensing case but is back within its allowance: if it stays so, the case closes on "
                    + $"{standing.CaseDeadline:yyyy-MM-dd HH:mm} UTC and the key stays enabled."
            ),
            StandingStatus.Flagged => (
                "flagged",
                $"The key is on more servers than it allows beyond the {options.Value.MigrationWindowDays}-day migration window. It "
                    + $"will be disabled on {standing.DisableAt:yyyy-MM-dd HH:mm} UTC unless this is resolved: contact licensing."
            ),
            _ => ("disabled", "This license key has been disabled. Contact licensing to have it re-enabled."),
        };
        if (licensedMajor is { } major)
            message +=
                $" This server runs a later major version than the license covers ({major}.x) and upgrade protection is not current: an "
                + $"upgrade is needed.";
        return new(
            status,
            standing.Allowance,
            standing.ActiveInstallations,
            standing.Status == StandingStatus.Grace ? standing.GraceEndsAt : null,
            standing.Status == StandingStatus.Flagged ? standing.DisableAt : null,
            message
        );
    }
}
