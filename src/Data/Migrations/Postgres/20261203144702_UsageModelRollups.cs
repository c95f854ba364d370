using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LlmPlatform.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Latency00 = table.Column<int>(type: "integer", nullable: false),
                    Latency01 = table.Column<int>(type: "integer", nullable: false),
                    Latency02 = table.Column<int>(type: "integer", nullable: false),
                    Latency03 = table.Column<int>(type: "integer", nullable: false),
                    Latency04 = table.Column<int>(type: "integer", nullable: false),
                    Latency05 = table.Column<int>(type: "integer", nullable: false),
                    Latency06 = table.Column<int>(type: "integer", nullable: false),
                    Latency07 = table.Column<int>(type: "integer", nullable: false),
                    Latency08 = table.Column<int>(type: "integer", nullable: false),
                    Latency09 = table.Column<int>(type: "integer", nullable: false),
                    Latency10 = table.Column<int>(type: "integer", nullable: false),
                    Latency11 = table.Column<int>(type: "integer", nullable: false),
                    Latency12 = table.Column<int>(type: "integer", nullable: false),
                    Latency13 = table.Column<int>(type: "integer", nullable: false),
                    Latency14 = table.Column<int>(type: "integer", nullable: false),
                    Latency15 = table.Column<int>(type: "integer", nullable: false),
                    Latency16 = table.Column<int>(type: "integer", nullable: false),
                    Latency17 = table.Column<int>(type: "integer", nullable: false),
                    Latency18 = table.Column<int>(type: "integer", nullable: false),
                    Latency19 = table.Column<int>(type: "integer", nullable: false),
                    Latency20 = table.Column<int>(type: "integer", nullable: false),
                    Latency21 = table.Column<int>(type: "integer", nullable: false),
                    Latency22 = table.Column<int>(type: "integer", nullable: false),
                    Latency23 = table.Column<int>(type: "integer", nullable: false),
                    Latency24 = table.Column<int>(type: "integer", nullable: false),
                    Latency25 = table.Column<int>(type: "integer", nullable: false),
                    Latency26 = table.Column<int>(type: "integer", nullable: false),
                    Latency27 = table.Column<int>(type: "integer", nullable: false),
                    Latency28 = table.Column<int>(type: "integer", nullable: false),
                    Latency29 = table.Column<int>(type: "integer", nullable: false),
                    Latency30 = table.Column<int>(type: "integer", nullable: false),
                    Latency31 = table.Column<int>(type: "integer", nullable: false),
                    Ttft00 = table.Column<int>(type: "integer", nullable: false),
                    Ttft01 = table.Column<int>(type: "integer", nullable: false),
                    Ttft02 = table.Column<int>(type: "integer", nullable: false),
                    Ttft03 = table.Column<int>(type: "integer", nullable: false),
                    Ttft04 = table.Column<int>(type: "integer", nullable: false),
                    Ttft05 = table.Column<int>(type: "integer", nullable: false),
                    Ttft06 = table.Column<int>(type: "integer", nullable: false),
                    Ttft07 = table.Column<int>(type: "integer", nullable: false),
                    Ttft08 = table.Column<int>(type: "integer", nullable: false),
                    Ttft09 = table.Column<int>(type: "integer", nullable: false),
                    Ttft10 = table.Column<int>(type: "integer", nullable: false),
                    Ttft11 = table.Column<int>(type: "integer", nullable: false),
                    Ttft12 = table.Column<int>(type: "integer", nullable: false),
                    Ttft13 = table.Column<int>(type: "integer", nullable: false),
                    Ttft14 = table.Column<int>(type: "integer", nullable: false),
                    Ttft15 = table.Column<int>(type: "integer", nullable: false),
                    Ttft16 = table.Column<int>(type: "integer", nullable: false),
                    Ttft17 = table.Column<int>(type: "integer", nullable: false),
                    Ttft18 = table.Column<int>(type: "integer", nullable: false),
                    Ttft19 = table.Column<int>(type: "integer", nullable: false),
                    Ttft20 = table.Column<int>(type: "integer", nullable: false),
                    Ttft21 = table.Column<int>(type: "integer", nullable: false),
                    Ttft22 = table.Column<int>(type: "integer", nullable: false),
                    Ttft23 = table.Column<int>(type: "integer", nullable: false),
                    Ttft24 = table.Column<int>(type: "integer", nullable: false),
                    Ttft25 = table.Column<int>(type: "integer", nullable: false),
                    Ttft26 = table.Column<int>(type: "integer", nullable: false),
                    Ttft27 = table.Column<int>(type: "integer", nullable: false),
                    Ttft28 = table.Column<int>(type: "integer", nullable: false),
                    Ttft29 = table.Column<int>(type: "integer", nullable: false),
                    Ttft30 = table.Column<int>(type: "integer", nullable: false),
                    Ttft31 = table.Column<int>(type: "integer", nullable: false),
                    HourStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Provider = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Model = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Requests = table.Column<int>(type: "integer", nullable: false),
                    Succeeded = table.Column<int>(type: "integer", nullable: false),
                    Failed = table.Column<int>(type: "integer", nullable: false),
                    Cancelled = table.Column<int>(type: "integer", nullable: false),
                    Cached = table.Column<int>(type: "integer", nullable: false),
                    PromptTokens = table.Column<long>(type: "bigint", nullable: false),
                    CompletionTokens = table.Column<long>(type: "bigint", nullable: false),
                    Cost = table.Column<decimal>(type: "numeric(18,8)", precision: 18, scale: 8, nullable: false),
                    LatencyMsSum = table.Column<long>(type: "bigint", nullable: false),
                    TimeToFirstTokenMsSum = table.Column<long>(type: "bigint", nullable: false),
                    TimeToFirstTokenCount = table.Column<int>(type: "integer", nullable: false)
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
