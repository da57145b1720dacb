using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            // Temporary passwords given before this version expire SignIn:TemporaryPasswordDays after the upgrade.
            migrationBuilder.Sql("""
                UPDATE "AspNetUsers" SET "TemporaryPasswordIssuedAt" = strftime('%Y-%m-%d %H:%M:%S', 'now') WHERE "MustChangePassword" = 1;
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
