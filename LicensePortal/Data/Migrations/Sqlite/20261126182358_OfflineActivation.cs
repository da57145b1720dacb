using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OfflineActivation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "OfflineUntil",
                table: "InstallationStints",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OfflineUntil",
                table: "Installations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReleaseCodeHash",
                table: "Installations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Installations_OfflineUntil",
                table: "Installations",
                column: "OfflineUntil");

            // The trigger that keeps an ended stint now keeps its offline expiry too (hand-written, as in
            // InstallationStintsAndCaseOutcomes): an offline stint counted until its license file expired.
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "Installations_KeepEndedStint";
                CREATE TRIGGER "Installations_KeepEndedStint" AFTER UPDATE OF "StintStartedAt" ON "Installations"
                WHEN NEW."StintStartedAt" <> OLD."StintStartedAt"
                BEGIN
                    INSERT OR IGNORE INTO "InstallationStints" ("InstallationId", "LicenseId", "Hostname", "ProductVersion", "StartedAt", "LastSeenAt", "ReleasedAt", "DecommissionedAt", "OfflineUntil")
                    VALUES (OLD."Id", OLD."LicenseId", OLD."Hostname", OLD."ProductVersion", OLD."StintStartedAt", OLD."LastSeenAt", OLD."ReleasedAt", OLD."DecommissionedAt", OLD."OfflineUntil");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "Installations_KeepEndedStint";
                CREATE TRIGGER "Installations_KeepEndedStint" AFTER UPDATE OF "StintStartedAt" ON "Installations"
                WHEN NEW."StintStartedAt" <> OLD."StintStartedAt"
                BEGIN
                    INSERT OR IGNORE INTO "InstallationStints" ("InstallationId", "LicenseId", "Hostname", "ProductVersion", "StartedAt", "LastSeenAt", "ReleasedAt", "DecommissionedAt")
                    VALUES (OLD."Id", OLD."LicenseId", OLD."Hostname", OLD."ProductVersion", OLD."StintStartedAt", OLD."LastSeenAt", OLD."ReleasedAt", OLD."DecommissionedAt");
                END;
                """);

            migrationBuilder.DropIndex(
                name: "IX_Installations_OfflineUntil",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "OfflineUntil",
                table: "InstallationStints");

            migrationBuilder.DropColumn(
                name: "OfflineUntil",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "ReleaseCodeHash",
                table: "Installations");
        }
    }
}
