using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmPlatform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageModelRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageModelRollups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Latency00 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency01 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency02 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency03 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency04 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency05 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency06 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency07 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency08 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency09 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency10 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency11 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency12 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency13 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency14 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency15 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency16 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency17 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency18 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency19 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency20 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency21 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency22 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency23 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency24 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency25 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency26 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency27 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency28 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency29 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency30 = table.Column<int>(type: "INTEGER", nullable: false),
                    Latency31 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft00 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft01 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft02 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft03 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft04 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft05 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft06 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft07 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft08 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft09 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft10 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft11 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft12 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft13 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft14 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft15 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft16 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft17 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft18 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft19 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft20 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft21 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft22 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft23 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft24 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft25 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft26 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft27 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft28 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft29 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft30 = table.Column<int>(type: "INTEGER", nullable: false),
                    Ttft31 = table.Column<int>(type: "INTEGER", nullable: false),
                    HourStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
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
                    table.PrimaryKey("PK_UsageModelRollups", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageModelRollups_HourStart",
                table: "UsageModelRollups",
                column: "HourStart");

            migrationBuilder.Sql(UsageModelRollupsBackfill.Sql());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsageModelRollups");
        }
    }
}
