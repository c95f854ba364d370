using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmPlatform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResponseCacheAndFormat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CacheResponses",
                table: "Personas",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "ResponseFormat",
                table: "Messages",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000001"),
                column: "CacheResponses",
                value: false);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000002"),
                column: "CacheResponses",
                value: false);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000003"),
                column: "CacheResponses",
                value: false);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000004"),
                column: "CacheResponses",
                value: false);

            migrationBuilder.UpdateData(
                table: "Personas",
                keyColumn: "Id",
                keyValue: new Guid("5e3a0c1e-0000-4000-8000-000000000005"),
                column: "CacheResponses",
                value: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CacheResponses",
                table: "Personas");

            migrationBuilder.DropColumn(
                name: "ResponseFormat",
                table: "Messages");
        }
    }
}
