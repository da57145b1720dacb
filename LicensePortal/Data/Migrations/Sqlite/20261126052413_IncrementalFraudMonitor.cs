using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IncrementalFraudMonitor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ReviewAt",
                table: "OverAllowancePeriods",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_OverAllowancePeriods_ReviewAt",
                table: "OverAllowancePeriods",
                column: "ReviewAt");

            migrationBuilder.CreateIndex(
                name: "IX_Installations_DecommissionedAt",
                table: "Installations",
                column: "DecommissionedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Installations_ReleasedAt",
                table: "Installations",
                column: "ReleasedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OverAllowancePeriods_ReviewAt",
                table: "OverAllowancePeriods");

            migrationBuilder.DropIndex(
                name: "IX_Installations_DecommissionedAt",
                table: "Installations");

            migrationBuilder.DropIndex(
                name: "IX_Installations_ReleasedAt",
                table: "Installations");

            migrationBuilder.DropColumn(
                name: "ReviewAt",
                table: "OverAllowancePeriods");
        }
    }
}
