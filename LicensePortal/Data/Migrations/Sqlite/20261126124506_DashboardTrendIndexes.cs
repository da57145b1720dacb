using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DashboardTrendIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Quotes_AcceptedAt",
                table: "Quotes",
                column: "AcceptedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Quotes_SentAt",
                table: "Quotes",
                column: "SentAt");

            migrationBuilder.CreateIndex(
                name: "IX_LicenseEvents_Kind_At",
                table: "LicenseEvents",
                columns: new[] { "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_FraudCases_OpenedAt",
                table: "FraudCases",
                column: "OpenedAt");

            migrationBuilder.CreateIndex(
                name: "IX_FraudCases_ClosedAt",
                table: "FraudCases",
                column: "ClosedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Quotes_AcceptedAt",
                table: "Quotes");

            migrationBuilder.DropIndex(
                name: "IX_Quotes_SentAt",
                table: "Quotes");

            migrationBuilder.DropIndex(
                name: "IX_LicenseEvents_Kind_At",
                table: "LicenseEvents");

            migrationBuilder.DropIndex(
                name: "IX_FraudCases_OpenedAt",
                table: "FraudCases");

            migrationBuilder.DropIndex(
                name: "IX_FraudCases_ClosedAt",
                table: "FraudCases");
        }
    }
}
