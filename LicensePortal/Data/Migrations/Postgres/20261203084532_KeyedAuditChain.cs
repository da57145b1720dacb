using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LicensePortal.Data.Migrations.Postgres
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
                type: "integer",
                nullable: false,
                defaultValue: 1);

            // Audit rows are only ever added: an UPDATE is allowed only to seal a row not sealed yet (its fields
            // unchanged), in the transaction that wrote it; DELETE and TRUNCATE are refused. docs/OPERATIONS.md says how
            // to stop the role that owns the table from dropping this trigger.
            migrationBuilder.Sql("""
                CREATE FUNCTION "AuditLog_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' THEN
                        IF OLD."Hash" IS NULL AND NEW."Id" = OLD."Id" AND NEW."At" = OLD."At"
                            AND NEW."UserName" = OLD."UserName" AND NEW."Action" = OLD."Action"
                            AND NEW."EntityType" = OLD."EntityType" AND NEW."EntityId" = OLD."EntityId"
                            AND NEW."Before" IS NOT DISTINCT FROM OLD."Before" AND NEW."After" IS NOT DISTINCT FROM OLD."After" THEN
                            RETURN NEW;
                        END IF;
                    END IF;
                    RAISE EXCEPTION 'The audit log is append-only: % of an audit row is refused.', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER "AuditLog_append_only" BEFORE UPDATE OR DELETE ON "AuditLog"
                    FOR EACH ROW EXECUTE FUNCTION "AuditLog_append_only"();
                CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON "AuditLog"
                    FOR EACH STATEMENT EXECUTE FUNCTION "AuditLog_append_only"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "AuditLog_no_truncate" ON "AuditLog";
                DROP TRIGGER "AuditLog_append_only" ON "AuditLog";
                DROP FUNCTION "AuditLog_append_only"();
                """);

            migrationBuilder.DropColumn(
                name: "ChainVersion",
                table: "AuditLog");
        }
    }
}
