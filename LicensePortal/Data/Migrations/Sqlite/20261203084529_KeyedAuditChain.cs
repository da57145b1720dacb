using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KeyedAuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rows already in the log were sealed with plain SHA-256 (version 1) and keep it; the portal seals new rows
            // with the keyed HMAC (version 2) and, at the first start, adds a keyed row after the last unkeyed one.
            migrationBuilder.AddColumn<int>(
                name: "ChainVersion",
                table: "AuditLog",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ChainVersion",
                table: "AuditLog");
        }
    }
}
