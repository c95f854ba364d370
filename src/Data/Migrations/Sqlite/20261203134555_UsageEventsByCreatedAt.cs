using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmPlatform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageEventsByCreatedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_UsageEvents_CreatedAt",
                table: "UsageEvents",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_UsageEvents_CreatedAt",
                table: "UsageEvents");
        }
    }
}
