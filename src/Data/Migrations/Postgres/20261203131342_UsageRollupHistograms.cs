using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmPlatform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsageRollupHistograms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Latency00",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency01",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency02",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency03",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency04",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency05",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency06",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency07",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency08",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency09",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency10",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency11",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency12",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency13",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency14",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency15",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency16",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency17",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency18",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency19",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency20",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency21",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency22",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency23",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency24",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency25",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency26",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency27",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency28",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency29",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency30",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Latency31",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft00",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft01",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft02",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft03",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft04",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft05",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft06",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft07",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft08",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft09",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft10",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft11",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft12",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft13",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft14",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft15",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft16",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft17",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft18",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft19",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft20",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft21",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft22",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft23",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft24",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft25",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft26",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft27",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft28",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft29",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft30",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Ttft31",
                table: "UsageRollups",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Latency00",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency01",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency02",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency03",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency04",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency05",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency06",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency07",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency08",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency09",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency10",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency11",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency12",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency13",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency14",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency15",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency16",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency17",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency18",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency19",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency20",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency21",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency22",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency23",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency24",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency25",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency26",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency27",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency28",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency29",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency30",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Latency31",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft00",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft01",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft02",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft03",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft04",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft05",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft06",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft07",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft08",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft09",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft10",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft11",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft12",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft13",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft14",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft15",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft16",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft17",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft18",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft19",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft20",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft21",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft22",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft23",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft24",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft25",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft26",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft27",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft28",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft29",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft30",
                table: "UsageRollups");

            migrationBuilder.DropColumn(
                name: "Ttft31",
                table: "UsageRollups");
        }
    }
}
