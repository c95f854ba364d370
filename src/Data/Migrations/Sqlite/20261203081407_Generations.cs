using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmPlatform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Generations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Generations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PromptTokens = table.Column<int>(type: "INTEGER", nullable: false),
                    CheckpointText = table.Column<string>(type: "TEXT", nullable: false),
                    CheckpointChunks = table.Column<int>(type: "INTEGER", nullable: false),
                    CheckpointedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LeaseExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MessageId = table.Column<long>(type: "INTEGER", nullable: true),
                    FailureCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FailureMessage = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Generations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Generations_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "UsageRollups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    HourStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    PersonaId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Requests = table.Column<int>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<int>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false),
                    Cancelled = table.Column<int>(type: "INTEGER", nullable: false),
                    Cached = table.Column<int>(type: "INTEGER", nullable: false),
                    PromptTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletionTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Cost = table.Column<double>(type: "REAL", precision: 18, scale: 8, nullable: false),
                    LatencyMsSum = table.Column<long>(type: "INTEGER", nullable: false),
                    TimeToFirstTokenMsSum = table.Column<long>(type: "INTEGER", nullable: false),
                    TimeToFirstTokenCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageRollups", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Generations_ConversationId",
                table: "Generations",
                column: "ConversationId");

            migrationBuilder.CreateIndex(
                name: "IX_Generations_OwnerId",
                table: "Generations",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Generations_Status_LeaseExpiresAt",
                table: "Generations",
                columns: new[] { "Status", "LeaseExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageRollups_HourStart_UserId",
                table: "UsageRollups",
                columns: new[] { "HourStart", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageRollups_UserId_HourStart",
                table: "UsageRollups",
                columns: new[] { "UserId", "HourStart" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Generations");

            migrationBuilder.DropTable(
                name: "UsageRollups");
        }
    }
}
