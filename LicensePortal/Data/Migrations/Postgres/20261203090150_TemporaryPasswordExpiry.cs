using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TemporaryPasswordExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "TemporaryPasswordIssuedAt",
                table: "AspNetUsers",
                type: "timestamp without time zone",
                nullable: true);

            // Temporary passwords given before this version expire SignIn:TemporaryPasswordDays after the upgrade.
            migrationBuilder.Sql("""
                UPDATE "AspNetUsers" SET "TemporaryPasswordIssuedAt" = (now() AT TIME ZONE 'utc') WHERE "MustChangePassword";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TemporaryPasswordIssuedAt",
                table: "AspNetUsers");
        }
    }
}
