#!/usr/bin/env bash
# Builds what the benchmarks run (the real GraphQL app and the bench tool, both Release), then runs one benchmark.
#   ./bench/run.sh query-throughput [--concurrency 32] [--duration 10s] [--warmup 3s] [--rounds 3] [--pin auto|split|none]
#   ./bench/run.sh stream-throughput | stream-fanout | idle-connections | query-auth | stream-auth | event-throughput | time-to-first-token | analytics [options]   (see bench/README.md)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ $# -lt 1 ]; then
  echo "usage: ./bench/run.sh <benchmark> [options]   (benchmarks: query-throughput, stream-throughput, stream-fanout, idle-connections, query-auth, stream-auth, event-throughput, time-to-first-token, analytics; see bench/README.md)" >&2
  exit 64
fi
dotnet build src/Graph/LlmPlatform.Graph.csproj -c Release -nologo -v quiet
dotnet build bench/LlmPlatform.Bench/LlmPlatform.Bench.csproj -c Release -nologo -v quiet
BENCH_COMMAND="./bench/run.sh $*" exec dotnet bench/LlmPlatform.Bench/bin/Release/net10.0/LlmPlatform.Bench.dll run "$@"
