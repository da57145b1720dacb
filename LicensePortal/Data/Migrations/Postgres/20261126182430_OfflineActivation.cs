using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Postgres
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
                type: "timestamp without time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OfflineUntil",
                table: "Installations",
                type: "timestamp without time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReleaseCodeHash",
                table: "Installations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Installations_OfflineUntil",
                table: "Installations",
                column: "OfflineUntil");

            // The function that keeps an ended stint now keeps its offline expiry too (as in InitialPostgres).
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION "Installations_KeepEndedStint"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "InstallationStints" ("InstallationId", "LicenseId", "Hostname", "ProductVersion", "StartedAt", "LastSeenAt", "ReleasedAt", "DecommissionedAt", "OfflineUntil")
                    VALUES (OLD."Id", OLD."LicenseId", OLD."Hostname", OLD."ProductVersion", OLD."StintStartedAt", OLD."LastSeenAt", OLD."ReleasedAt", OLD."DecommissionedAt", OLD."OfflineUntil")
                    ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END;
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION "Installations_KeepEndedStint"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "InstallationStints" ("InstallationId", "LicenseId", "Hostname", "ProductVersion", "StartedAt", "LastSeenAt", "ReleasedAt", "DecommissionedAt")
                    VALUES (OLD."Id", OLD."LicenseId", OLD."Hostname", OLD."ProductVersion", OLD."StintStartedAt", OLD."LastSeenAt", OLD."ReleasedAt", OLD."DecommissionedAt")
                    ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END;
                $$;
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
