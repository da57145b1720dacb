using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InstallationReleases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InstallationReleases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LicenseId = table.Column<int>(type: "INTEGER", nullable: false),
                    InstallationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Hostname = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Source = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Verdict = table.Column<int>(type: "INTEGER", nullable: false),
                    EffectiveAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InstallationReleases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InstallationReleases_Installations_InstallationId",
                        column: x => x.InstallationId,
                        principalTable: "Installations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InstallationReleases_InstallationId",
                table: "InstallationReleases",
                column: "InstallationId");

            migrationBuilder.CreateIndex(
                name: "IX_InstallationReleases_LicenseId_RequestedAt",
                table: "InstallationReleases",
                columns: new[] { "LicenseId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InstallationReleases_Verdict_RequestedAt",
                table: "InstallationReleases",
                columns: new[] { "Verdict", "RequestedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InstallationReleases");
        }
    }
}
