using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OneOpenPeriodPerLicense : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OverAllowancePeriods_LicenseId_EndedAt",
                table: "OverAllowancePeriods");

            // Close any duplicate open period left by two passes at once before the index forbids them.
            migrationBuilder.Sql("""
                UPDATE "OverAllowancePeriods" SET "EndedAt" = "StartedAt"
                WHERE "EndedAt" IS NULL AND "Id" NOT IN (SELECT MIN("Id") FROM "OverAllowancePeriods" WHERE "EndedAt" IS NULL GROUP BY "LicenseId");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_OverAllowancePeriods_OneOpenPerLicense",
                table: "OverAllowancePeriods",
                column: "LicenseId",
                unique: true,
                filter: "\"EndedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OverAllowancePeriods_OneOpenPerLicense",
                table: "OverAllowancePeriods");

            migrationBuilder.CreateIndex(
                name: "IX_OverAllowancePeriods_LicenseId_EndedAt",
                table: "OverAllowancePeriods",
                columns: new[] { "LicenseId", "EndedAt" });
        }
    }
}
