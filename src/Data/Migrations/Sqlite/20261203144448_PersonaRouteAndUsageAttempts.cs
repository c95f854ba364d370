using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmPlatform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PersonaRouteAndUsageAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "UsageEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "Route",
                table: "Personas",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000001"),
                column: "Route",
                value: null);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000002"),
                column: "Route",
                value: null);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000003"),
                column: "Route",
                value: null);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000004"),
                column: "Route",
                value: null);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000005"),
                column: "Route",
                value: null);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "UsageEvents");

            migrationBuilder.DropColumn(
                name: "Route",
                table: "Personas");
        }
    }
}
