#!/usr/bin/env bash
# Runs every test of the solution.
#
#   ./test.sh [extra `dotnet test` arguments, e.g. --filter FullyQualifiedName~Data]
#
# What it does:
#   1. Starts a throwaway PostgreSQL and a throwaway Redis on free ports on
#      127.0.0.1 (installing the Debian packages `postgresql` / `redis-server`
#      first if they are missing and we are root or have passwordless sudo) and
#      exports their addresses to the tests:
#        LLMPLATFORM_TEST_POSTGRES  Npgsql connection string (superuser, admin DB)
#        LLMPLATFORM_TEST_REDIS     StackExchange.Redis configuration string
#      If a variable is already set, that server is used as is and nothing is
#      started for it.
#   2. Installs the JS reference clients used by the protocol tests (tests/js).
#   3. Finds a Chromium for the browser tests (installing Debian's `chromium`
#      when there is none) and exports its path as LLMPLATFORM_TEST_CHROMIUM;
#      Playwright drives it and never downloads a browser of its own.
#   4. Runs `dotnet test LlmPlatform.sln` with a TRX logger writing into
#      $TEST_RESULTS_DIR (default: ./TestResults) and exits with its exit code.
#
# When a prerequisite is unavailable, CI=true makes that fatal; otherwise it is
# a loud warning (the tests that need it then fail with a message saying so).
# Everything it started is stopped, and its temp dir removed, on exit.

# Functions reached only from traps or through wait_until would be flagged as
# unreachable code (SC2317), hence the file-wide directive:
# shellcheck disable=SC2317
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO_ROOT
readonly SOLUTION=LlmPlatform.sln
readonly JS_DIR=tests/js
readonly READY_TIMEOUT_SECONDS=30
# The servers listen on 127.0.0.1 only.
readonly LOOPBACK=127.0.0.1

WORK_DIR=""        # mktemp -d; holds data, sockets and logs of both servers
PG_BIN=""          # directory with initdb/pg_ctl/pg_isready
PG_DATA=""         # set once initdb ran, so cleanup knows to stop it
REDIS_PID=""       # set once redis-server was launched
DOTNET_PID=""      # `dotnet test` while it runs; leader of its own session
APT_UPDATED=false

# ---------------------------------------------------------------------------
# Messages and policy
# ---------------------------------------------------------------------------

log() { printf '[test.sh] %s\n' "$*" >&2; }

die() {
  printf '[test.sh] ERROR: %s\n' "$*" >&2
  exit 1
}

# An executable program on PATH (`command -v` also accepts non-executable files).
have() {
  local path
  path=$(type -P "$1") && [[ -x "$path" ]]
}

is_ci() { [[ "${CI:-}" == true || "${CI:-}" == 1 ]]; }

# A prerequisite is missing: fatal in CI, a very visible warning elsewhere.
unavailable() {
  if is_ci; then
    die "$* (CI=true, so this is fatal)"
  fi
  {
    printf '\n[test.sh] ******************************************************************\n'
    printf '[test.sh] WARNING: %s\n' "$*"
    printf '[test.sh] The tests that need it will FAIL: they never skip silently.\n'
    printf '[test.sh] ******************************************************************\n\n'
  } >&2
}

# ---------------------------------------------------------------------------
# Privileges and package installation
# ---------------------------------------------------------------------------

is_root() { [[ "$(id -u)" -eq 0 ]]; }

can_be_root() {
  is_root || { have sudo && sudo -n true 2>/dev/null; }
}

as_root() {
  if is_root; then "$@"; else sudo -n "$@"; fi
}

# apt-get install, only for the packages given, never prompting. Returns
# non-zero (instead of exiting) so the caller can decide how bad that is.
apt_install() {
  have apt-get || { log "apt-get not found; cannot install $*"; return 1; }
  # Installed but its binaries were not found: apt-get would at most upgrade
  # it, which is not ours to do.
  local pkg
  for pkg in "$@"; do
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
      log "package $pkg is installed, but its programs were not found"
      return 1
    fi
  done
  can_be_root || { log "not root and no passwordless sudo; cannot install $*"; return 1; }

  log "installing Debian package(s): $*"
  local created_policy=false
  # Keep the packaged services from starting: we run our own throwaway
  # instances, and in containers without an init system the start attempt can
  # fail the install. exit 101 = "action forbidden" for invoke-rc.d.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null &&
      as_root chmod 755 /usr/sbin/policy-rc.d && created_policy=true
  fi

  local rc=0
  # Lock timeout: a concurrent run may be installing at the same moment.
  local -a apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
  # A failing update (one flaky third-party source) need not be fatal: the
  # install below still works if the package lists are recent enough.
  if [[ "$APT_UPDATED" != true ]]; then
    if as_root "${apt[@]}" update >&2; then
      APT_UPDATED=true
    else
      log "warning: apt-get update failed; trying to install anyway"
    fi
  fi
  as_root "${apt[@]}" install --no-install-recommends "$@" >&2 || rc=$?

  if [[ "$created_policy" == true ]]; then
    as_root rm -f /usr/sbin/policy-rc.d || true
  fi
  return "$rc"
}

# ---------------------------------------------------------------------------
# Ports and temp dir
# ---------------------------------------------------------------------------

port_in_use() {
  local port=$1
  if have ss; then
    [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
  else
    # No iproute2 (fresh containers): a successful connect means a listener.
    timeout 2 bash -c ": </dev/tcp/$LOOPBACK/$port" 2>/dev/null
  fi
}

# Random free port in 20000-32767, i.e. below Linux's default ephemeral range
# (32768-60999), so an outgoing connection cannot be holding it. Concurrent
# runs are unlikely to collide, and the start functions retry if one does.
pick_free_port() {
  local port attempt
  for attempt in $(seq 1 100); do
    port=$((20000 + RANDOM % 12768))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  log "no free port found after $attempt attempts"
  return 1
}

ensure_work_dir() {
  [[ -n "$WORK_DIR" ]] && return 0
  # As root, PostgreSQL runs as the postgres user (see as_pg_user), which must
  # be able to reach the directory: /tmp, not a $TMPDIR that may be private.
  local base=${TMPDIR:-/tmp}
  is_root && base=/tmp
  WORK_DIR=$(mktemp -d "$base/llmplatform-test.XXXXXX")
  # mktemp -d is 0700; let the postgres user through to its own subdirectory.
  # The contents stay private to their owners.
  chmod 711 "$WORK_DIR"
}

# A child that exited but was not waited for yet still answers kill -0, so
# look at its state instead.
is_running() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# Waits until the command succeeds, at most READY_TIMEOUT_SECONDS.
wait_until() {
  local deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

# Debian keeps the server binaries off PATH, in /usr/lib/postgresql/<ver>/bin;
# take the newest one there, else whatever is on PATH.
find_pg_bin() {
  local dir
  dir=$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' -printf '%h\n' 2>/dev/null | sort -V | tail -n 1)
  if [[ -z "$dir" ]] && have initdb; then
    # Resolve symlinks (e.g. /usr/local/bin/initdb) to find pg_isready next to it.
    dir=$(dirname "$(readlink -f "$(type -P initdb)")")
  fi
  [[ -n "$dir" && -x "$dir/pg_ctl" && -x "$dir/pg_isready" ]] || return 1
  PG_BIN=$dir
}

# PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` system user (created by the Debian package). Runs from WORK_DIR so
# the postgres user is not left in a directory it cannot read.
as_pg_user() {
  if ! is_root; then
    (cd "$WORK_DIR" && "$@")
  elif have runuser; then
    (cd "$WORK_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$WORK_DIR" && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
  fi
}

pg_initdb() {
  local dir=$WORK_DIR/pg
  mkdir -p "$dir"
  if is_root; then
    id postgres >/dev/null 2>&1 || { log "running as root but there is no 'postgres' user to run PostgreSQL as"; return 1; }
    chown postgres: "$dir"
  fi
  # Superuser `postgres` regardless of the OS user; trust auth is fine for a
  # loopback-only throwaway server.
  as_pg_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C --no-sync >"$WORK_DIR/pg-initdb.log" 2>&1 ||
    { log "initdb failed:"; cat "$WORK_DIR/pg-initdb.log" >&2; return 1; }
  PG_DATA=$dir/data
}

pg_start_on() {
  local port=$1
  # Durability is pointless for a throwaway database; skipping fsync makes the
  # per-test-class CREATE DATABASE much faster. Sockets stay in the temp dir.
  local opts="-c listen_addresses=$LOOPBACK -c port=$port"
  opts+=" -c unix_socket_directories=$WORK_DIR/pg -c max_connections=300"
  opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK_DIR/pg/server.log" \
    -o "$opts" -w -t "$READY_TIMEOUT_SECONDS" start >/dev/null 2>&1 || return 1
  wait_until "$PG_BIN/pg_isready" -t 2 -h "$LOOPBACK" -p "$port" -U postgres -d postgres
}

start_postgres() {
  if [[ -n "${LLMPLATFORM_TEST_POSTGRES:-}" ]]; then
    log "PostgreSQL: using LLMPLATFORM_TEST_POSTGRES from the environment"
    return 0
  fi
  if ! find_pg_bin; then
    if ! apt_install postgresql || ! find_pg_bin; then
      unavailable "PostgreSQL server programs (initdb, pg_ctl) not found and could not be installed (Debian package 'postgresql')."
      return 0
    fi
  fi
  ensure_work_dir
  pg_initdb || { unavailable "could not initialise a throwaway PostgreSQL cluster."; return 0; }

  local port attempt
  for attempt in 1 2 3; do
    port=$(pick_free_port) || break
    if pg_start_on "$port"; then
      export LLMPLATFORM_TEST_POSTGRES="Host=$LOOPBACK;Port=$port;Username=postgres;Database=postgres"
      log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on $LOOPBACK:$port"
      return 0
    fi
    # Most likely another process took the port between check and bind.
    log "PostgreSQL did not start on port $port (attempt $attempt); log:"
    tail -n 5 "$WORK_DIR/pg/server.log" >&2 2>/dev/null || true
    stop_postgres
  done
  unavailable "could not start a throwaway PostgreSQL (see messages above)."
}

stop_postgres() {
  [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]] || return 0
  # immediate: no checkpoint, the data is thrown away anyway.
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 ||
    log "warning: could not stop PostgreSQL in $PG_DATA"
}

# ---------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------

have_redis() { have redis-server && have redis-cli; }

# Bounded: redis-cli waits forever on a listener that never answers.
redis_ping() { [[ "$(timeout 2 redis-cli -h "$LOOPBACK" -p "$1" ping 2>/dev/null)" == PONG ]]; }

redis_ready_or_dead() {
  local port=$1
  redis_ping "$port" && return 0
  # Stop waiting as soon as the server has exited (e.g. port already taken).
  is_running "$REDIS_PID" || return 0
  return 1
}

redis_start_on() {
  local port=$1 dir=$WORK_DIR/redis
  mkdir -p "$dir"
  # No persistence: the data is thrown away. Runs as a child of this script so
  # the EXIT trap can stop it by PID.
  redis-server --bind "$LOOPBACK" --port "$port" --dir "$dir" \
    --save '' --appendonly no --daemonize no \
    --logfile "$dir/redis.log" >/dev/null 2>&1 &
  REDIS_PID=$!
  wait_until redis_ready_or_dead "$port" || return 1
  redis_ping "$port"
}

start_redis() {
  if [[ -n "${LLMPLATFORM_TEST_REDIS:-}" ]]; then
    log "Redis: using LLMPLATFORM_TEST_REDIS from the environment"
    return 0
  fi
  if ! have_redis; then
    if ! apt_install redis-server || ! have_redis; then
      unavailable "redis-server/redis-cli not found and could not be installed (Debian package 'redis-server')."
      return 0
    fi
  fi
  ensure_work_dir

  local port attempt
  for attempt in 1 2 3; do
    port=$(pick_free_port) || break
    if redis_start_on "$port"; then
      export LLMPLATFORM_TEST_REDIS="$LOOPBACK:$port"
      log "Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on $LOOPBACK:$port"
      return 0
    fi
    log "Redis did not start on port $port (attempt $attempt); log:"
    tail -n 5 "$WORK_DIR/redis/redis.log" >&2 2>/dev/null || true
    stop_redis
  done
  unavailable "could not start a throwaway Redis (see messages above)."
}

stop_redis() {
  [[ -n "$REDIS_PID" ]] || return 0
  kill "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  REDIS_PID=""
}

# ---------------------------------------------------------------------------
# JS reference clients
# ---------------------------------------------------------------------------

# The stamp records which lockfile node_modules was installed from.
js_clients_up_to_date() {
  local lockfile=$JS_DIR/package-lock.json stamp=$JS_DIR/node_modules/.installed-from
  [[ -f "$lockfile" && -f "$stamp" ]] && [[ "$(sha256sum <"$lockfile")" == "$(cat "$stamp")" ]]
}

npm_install_js_clients() {
  local lockfile=$JS_DIR/package-lock.json
  local -a npm_cmd=(npm install)
  [[ -f "$lockfile" ]] && npm_cmd=(npm ci)
  npm_cmd+=(--prefix "$JS_DIR" --no-audit --no-fund)
  log "JS clients: ${npm_cmd[*]}"
  "${npm_cmd[@]}" >&2 || return 1
  if [[ -f "$lockfile" ]]; then
    sha256sum <"$lockfile" >"$JS_DIR/node_modules/.installed-from"
  fi
}

# npm ci wipes node_modules first, which would pull the rug from under a
# concurrent run's tests; so installs are serialised with a lock, and skipped
# when node_modules already comes from this very lockfile.
install_js_clients() {
  if ! have node || ! have npm; then
    unavailable "node/npm not found; the JS reference clients ($JS_DIR) cannot be installed."
    return 0
  fi
  local lock_fd=""
  if have flock && { exec {lock_fd}>"$JS_DIR/.install.lock"; } 2>/dev/null; then
    flock "$lock_fd"
  fi

  local rc=0
  if js_clients_up_to_date; then
    log "JS clients: $JS_DIR/node_modules is up to date"
  else
    npm_install_js_clients || rc=$?
  fi

  if [[ -n "$lock_fd" ]]; then
    exec {lock_fd}>&-
  fi
  if [[ $rc -ne 0 ]]; then
    unavailable "installing the JS reference clients in $JS_DIR failed."
  fi
}

# ---------------------------------------------------------------------------
# Headless Chromium for the browser tests
# ---------------------------------------------------------------------------

# The first browser on PATH that actually starts: Ubuntu's chromium-browser
# without its snap is a stub that only says how to install the snap.
find_chromium() {
  local name path
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    path=$(type -P "$name") || continue
    if timeout 30 "$path" --headless --no-sandbox --version >/dev/null 2>&1; then
      echo "$path"
      return 0
    fi
  done
  return 1
}

ensure_chromium() {
  if [[ -n "${LLMPLATFORM_TEST_CHROMIUM:-}" ]]; then
    log "Chromium: using LLMPLATFORM_TEST_CHROMIUM from the environment"
    return 0
  fi
  local path
  if ! path=$(find_chromium); then
    if ! apt_install chromium || ! path=$(find_chromium); then
      unavailable "no Chromium found and Debian's 'chromium' package could not be installed; the browser tests (tests/Graph/Browsers) need one."
      return 0
    fi
  fi
  export LLMPLATFORM_TEST_CHROMIUM=$path
  log "Chromium: $path ($("$path" --headless --no-sandbox --version 2>/dev/null | head -n 1))"
}

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

# Stops `dotnet test` and everything it spawned (MSBuild, vstest, test hosts):
# TERM first, KILL after 10 s.
stop_dotnet() {
  [[ -n "$DOTNET_PID" ]] || return 0
  kill -TERM -- "-$DOTNET_PID" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while is_running "$DOTNET_PID" && ((SECONDS < deadline)); do sleep 0.2; done
  kill -KILL -- "-$DOTNET_PID" 2>/dev/null || true
  DOTNET_PID=""
}

on_signal() {
  log "interrupted; stopping tests and servers"
  stop_dotnet
  exit "$1"
}

cleanup() {
  stop_dotnet
  stop_redis
  stop_postgres
  if [[ -n "$WORK_DIR" ]]; then
    rm -rf "$WORK_DIR"
  fi
}

# Runs in the background and waits, because bash postpones traps until a
# foreground command finishes: a TERM sent to this script alone (timeout(1), a
# cancelled CI job) would otherwise wait for the whole test run. setsid puts
# the test processes in their own process group so stop_dotnet can end them
# all; Ctrl-C reaches them through on_signal. (--wait only matters if setsid
# had to fork, which it does not here: a background job is no group leader.)
run_dotnet_test() {
  local results_dir=${TEST_RESULTS_DIR:-$REPO_ROOT/TestResults}
  mkdir -p "$results_dir"
  log "dotnet test $SOLUTION (TRX results in $results_dir)"
  setsid --wait dotnet test "$SOLUTION" \
    --logger trx \
    --logger "console;verbosity=normal" \
    --results-directory "$results_dir" \
    "$@" &
  DOTNET_PID=$!
  local rc=0
  wait "$DOTNET_PID" || rc=$?
  DOTNET_PID=""
  return "$rc"
}

main() {
  cd "$REPO_ROOT"
  have dotnet || die "dotnet not found on PATH (the .NET 10 SDK is required)"

  trap cleanup EXIT
  trap 'on_signal 130' INT
  trap 'on_signal 143' TERM

  start_postgres
  start_redis
  install_js_clients
  ensure_chromium

  local rc=0
  run_dotnet_test "$@" || rc=$?
  log "dotnet test exited with $rc"
  exit "$rc"
}

main "$@"
