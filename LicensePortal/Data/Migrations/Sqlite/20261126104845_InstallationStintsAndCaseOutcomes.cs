using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InstallationStintsAndCaseOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "LeaseEndsOn",
                table: "TransferRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReturnedAt",
                table: "TransferRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "WindowRestoredAt",
                table: "Licenses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StintStartedAt",
                table: "Installations",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Existing installations carry over as one stint from their first check-in: the history
            // of gaps before this version was not kept, so their present stint starts where it always did.
            migrationBuilder.Sql("""UPDATE "Installations" SET "StintStartedAt" = "FirstSeenAt";""");

            migrationBuilder.CreateTable(
                name: "InstallationStints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InstallationId = table.Column<long>(type: "INTEGER", nullable: false),
                    LicenseId = table.Column<int>(type: "INTEGER", nullable: false),
                    Hostname = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ProductVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecommissionedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstallationStints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InstallationStints_Installations_InstallationId",
                        column: x => x.InstallationId,
                        principalTable: "Installations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TransferRequests_Kind_Status_ReturnedAt_LeaseEndsOn",
                table: "TransferRequests",
                columns: new[] { "Kind", "Status", "ReturnedAt", "LeaseEndsOn" });

            migrationBuilder.CreateIndex(
                name: "IX_InstallationStints_InstallationId_StartedAt",
                table: "InstallationStints",
                columns: new[] { "InstallationId", "StartedAt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InstallationStints_LicenseId_LastSeenAt",
                table: "InstallationStints",
                columns: new[] { "LicenseId", "LastSeenAt" });

            // A stint that ends is kept whoever starts the next one (the activation API's upsert or a
            // staff action saved through EF), in the same statement, so it can never be lost between two writes.
            migrationBuilder.Sql("""
                CREATE TRIGGER "Installations_KeepEndedStint" AFTER UPDATE OF "StintStartedAt" ON "Installations"
                WHEN NEW."StintStartedAt" <> OLD."StintStartedAt"
                BEGIN
                    INSERT OR IGNORE INTO "InstallationStints" ("InstallationId", "LicenseId", "Hostname", "ProductVersion", "StartedAt", "LastSeenAt", "ReleasedAt", "DecommissionedAt")
                    VALUES (OLD."Id", OLD."LicenseId", OLD."Hostname", OLD."ProductVersion", OLD."StintStartedAt", OLD."LastSeenAt", OLD."ReleasedAt", OLD."DecommissionedAt");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Installations_KeepEndedStint";""");
            migrationBuilder.DropTable(
                name: "InstallationStints");

            migrationBuilder.DropIndex(
                name: "IX_TransferRequests_Kind_Status_ReturnedAt_LeaseEndsOn",
                table: "TransferRequests");

            migrationBuilder.DropColumn(
                name: "LeaseEndsOn",
                table: "TransferRequests");

            migrationBuilder.DropColumn(
                name: "ReturnedAt",
                table: "TransferRequests");

            migrationBuilder.DropColumn(
                name: "WindowRestoredAt",
                table: "Licenses");

            migrationBuilder.DropColumn(
                name: "StintStartedAt",
                table: "Installations");
        }
    }
}
