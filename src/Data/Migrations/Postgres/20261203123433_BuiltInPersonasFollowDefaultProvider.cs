using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmPlatform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BuiltInPersonasFollowDefaultProvider : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000001"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { null, null });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000002"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { null, null });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000003"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { null, null });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000004"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { null, null });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000005"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { null, null });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000001"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { "echo-1", "echo" });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000002"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { "echo-1", "echo" });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000003"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { "echo-1", "echo" });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000004"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { "echo-1", "echo" });

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000005"),
                columns: new[] { "DefaultModel", "DefaultProvider" },
                values: new object[] { "echo-1", "echo" });
        }
    }
}
