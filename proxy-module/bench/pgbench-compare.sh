#!/usr/bin/env bash
# Interleaved throughput comparison: direct PostgreSQL vs pgbouncer (session mode) vs Vigil, and
# Vigil with the baseline guardrail policy enforced.
#
#   proxy-module/bench/pgbench-compare.sh [-T seconds] [-r rounds] [-s scale] [-w warm-up seconds] [-x]
#                                         [-b builtin]
#
# Starts its own stack (embedded PostgreSQL 15 with Vigil's store and a target database, the
# gateway with recording on, and Debian's pgbouncer in session mode in front of the same database),
# loads pgbench data, then runs pgbench select-only (-c 8 -j 2) for -M simple, extended and
# prepared, rotating the target order every round. Prints median TPS and the ratio to direct, and
# each target's CPU time per transaction. Everything runs on loopback and stops by itself.
# -b runs another pgbench builtin instead of select-only: simple-update (an UPDATE, a SELECT and an
# INSERT per transaction) shows the row cap's cost, since the baseline caps every write and the
# rule-less policy caps none.
# -x adds two targets that only copy bytes, the floors any gateway starts from on this machine:
# "relay", a bare Netty relay (RelayFloor) on the gateway's transport and thread count, and
# "haproxy", Debian's haproxy in TCP mode (one thread per core), if it is installed.
# VIGIL_BENCH_JAVA_OPTS adds JVM options for the gateway (e.g. -Dvigil.test.ioThreads=1).
set -euo pipefail

T=20 ROUNDS=3 SCALE=10 WARMUP=10 FLOOR="" BUILTIN=select-only
while getopts "T:r:s:w:xb:" opt; do
  case "$opt" in
    T) T=$OPTARG ;; r) ROUNDS=$OPTARG ;; s) SCALE=$OPTARG ;; w) WARMUP=$OPTARG ;; x) FLOOR=1 ;;
    b) BUILTIN=$OPTARG ;;
    *) echo "usage: $0 [-T seconds] [-r rounds] [-s scale] [-w warm-up seconds] [-x] [-b builtin]" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/vigil-bench.XXXXXX)
chmod 755 "$work"
stack_pid="" bouncer_pid="" relay_pid="" haproxy_pid=""
cleanup() {
  [ -n "$bouncer_pid" ] && kill "$bouncer_pid" 2>/dev/null || true
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null || true
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null || true
  [ -n "$stack_pid" ] && kill "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

command -v pgbouncer >/dev/null || { echo "needs Debian's pgbouncer (apt-get install pgbouncer)" >&2; exit 2; }

echo "building the gateway's test classpath..."
(cd "$root" && ./mvnw -q -pl proxy-module -am install -DskipTests >/dev/null &&
  ./mvnw -q -pl proxy-module dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp.txt" >/dev/null)
java_home=${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk-* | head -1)}
cp="$root/proxy-module/target/test-classes:$root/proxy-module/target/classes:$(cat "$work/cp.txt")"

"$java_home/bin/java" --enable-native-access=ALL-UNNAMED -Dorg.jooq.no-logo=true -Dorg.jooq.no-tips=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xms512m -Xmx512m -Dvigil.test.checkpointMillis=30000 \
  ${VIGIL_BENCH_JAVA_OPTS:-} \
  -cp "$cp" io.vigil.proxy.bench.BenchStack "$work/stack" >"$work/stack.out" 2>"$work/stack.err" &
stack_pid=$!
for _ in $(seq 1 120); do grep -q READY "$work/stack.out" 2>/dev/null && break; sleep 1; done
grep -q READY "$work/stack.out" || { echo "the stack did not start:"; cat "$work/stack.err"; exit 1; }
# shellcheck disable=SC1090
source <(grep -E '^[A-Z_]+=' "$work/stack.out")

bouncer_port=$((VIGIL_PORT + 1))
while ss -ltn | grep -q ":$bouncer_port "; do bouncer_port=$((bouncer_port + 1)); done
cat >"$work/pgbouncer.ini" <<INI
[databases]
shop = host=127.0.0.1 port=$PG_PORT dbname=shop
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $work/userlist.txt
pool_mode = session
default_pool_size = 20
max_client_conn = 200
ignore_startup_parameters = extra_float_digits
logfile = $work/bouncer/pgbouncer.log
pidfile = $work/bouncer/pgbouncer.pid
INI
echo "\"$PG_USER\" \"$PG_PASSWORD\"" >"$work/userlist.txt"
mkdir -p "$work/bouncer" && chown nobody "$work/bouncer"
chmod 644 "$work/pgbouncer.ini" "$work/userlist.txt"
# pgbouncer refuses to run as root.
setpriv --reuid=nobody --regid=nogroup --clear-groups pgbouncer -q "$work/pgbouncer.ini" &
bouncer_pid=$!
sleep 1

# "vigil" is judged by a policy without rules; "baseline" by the baseline preset's rules as well.
declare -A host_port=([direct]=$PG_PORT [pgbouncer]=$bouncer_port [vigil]=$VIGIL_PORT [baseline]=$VIGIL_PORT)
declare -A user=([direct]=$PG_USER [pgbouncer]=$PG_USER [vigil]=$VIGIL_USER [baseline]=$VIGIL_BASELINE_USER)
declare -A password=([direct]=$PG_PASSWORD [pgbouncer]=$PG_PASSWORD [vigil]=$VIGIL_PASSWORD [baseline]=$VIGIL_PASSWORD)
declare -A cpu_pid=([direct]="" [pgbouncer]=$bouncer_pid [vigil]=$stack_pid [baseline]=$stack_pid)
targets=(direct pgbouncer vigil baseline)

if [ -n "$FLOOR" ]; then
  relay_port=$((bouncer_port + 1))
  while ss -ltn | grep -q ":$relay_port "; do relay_port=$((relay_port + 1)); done
  "$java_home/bin/java" --enable-native-access=ALL-UNNAMED -Xms512m -Xmx512m -cp "$cp" \
    io.vigil.proxy.bench.RelayFloor "$relay_port" "$PG_PORT" "$(nproc)" >"$work/relay.out" 2>&1 &
  relay_pid=$!
  for _ in $(seq 1 30); do grep -q READY "$work/relay.out" 2>/dev/null && break; sleep 1; done
  host_port[relay]=$relay_port user[relay]=$PG_USER password[relay]=$PG_PASSWORD cpu_pid[relay]=$relay_pid
  targets+=(relay)
  if command -v haproxy >/dev/null; then
    haproxy_port=$((relay_port + 1))
    while ss -ltn | grep -q ":$haproxy_port "; do haproxy_port=$((haproxy_port + 1)); done
    cat >"$work/haproxy.cfg" <<CFG
global
    maxconn 1000
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
listen pg
    bind 127.0.0.1:$haproxy_port
    server target 127.0.0.1:$PG_PORT
CFG
    haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.out" 2>&1 &
    haproxy_pid=$!
    sleep 1
    host_port[haproxy]=$haproxy_port user[haproxy]=$PG_USER password[haproxy]=$PG_PASSWORD
    cpu_pid[haproxy]=$haproxy_pid
    targets+=(haproxy)
  fi
fi

echo "loading pgbench data (scale $SCALE)..."
PGPASSWORD=$PG_PASSWORD pgbench -q -i -s "$SCALE" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" shop >/dev/null 2>&1

cpu_ticks() { # utime+stime of a process and its threads, in clock ticks
  [ -n "$1" ] && awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

host_ticks() { # every core's busy time (user, nice, system, irq, softirq), in clock ticks
  awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat
}

store_ticks() { # CPU of the PostgreSQL backends serving Vigil's store (database "vigil")
  local total=0 pid
  for pid in $(pgrep -f '^postgres: vigil vigil' || true); do
    total=$((total + $(cpu_ticks "$pid")))
  done
  echo "$total"
}

run() { # target mode seconds -> "tps proxy_cpu_us_per_tx host_cpu_us_per_tx store_cpu_us_per_tx"
  local t=$1 mode=$2 secs=$3 before after host_before host_after store_before store_after out tps
  before=$(cpu_ticks "${cpu_pid[$t]}") host_before=$(host_ticks) store_before=$(store_ticks)
  out=$(PGPASSWORD=${password[$t]} timeout $((secs + 30)) pgbench -n -b "$BUILTIN" -M "$mode" -c 8 -j 2 -T "$secs" \
    -h 127.0.0.1 -p "${host_port[$t]}" -U "${user[$t]}" shop 2>&1) || { echo "0 0 0 0"; echo "$out" >&2; return; }
  after=$(cpu_ticks "${cpu_pid[$t]}") host_after=$(host_ticks) store_after=$(store_ticks)
  tps=$(echo "$out" | awk '/^tps/ {print $3; exit}')
  awk -v tps="$tps" -v d=$((after - before)) -v h=$((host_after - host_before)) \
    -v st=$((store_after - store_before)) -v s="$secs" -v hz="$(getconf CLK_TCK)" \
    'function us(ticks) { return tps > 0 ? ticks / hz * 1e6 / (tps * s) : 0 }
     BEGIN { printf "%.0f %.1f %.1f %.1f\n", tps, us(d), us(h), us(st) }'
}

results="$work/results.txt"
for mode in simple extended prepared; do
  echo "== -M $mode: warm-up $WARMUP s per target"
  for t in "${targets[@]}"; do run "$t" "$mode" "$WARMUP" >/dev/null; done
  for round in $(seq 1 "$ROUNDS"); do
    shift_by=$(((round - 1) % ${#targets[@]}))
    order=("${targets[@]:$shift_by}" "${targets[@]:0:$shift_by}")
    for t in "${order[@]}"; do
      read -r tps us host store <<<"$(run "$t" "$mode" "$T")"
      echo "   round $round $t: $tps tps, $us us CPU/tx, host $host us/tx, store $store us/tx"
      echo "$mode $t $tps $us $host $store" >>"$results"
      sleep 2
    done
  done
done

echo
echo "pgbench -b $BUILTIN -c 8 -j 2 -T $T, $ROUNDS interleaved rounds, median of rounds (ratio to direct)"
printf '%-9s %-10s %10s %7s %14s %15s %16s\n' mode target tps ratio "cpu us/tx" "host cpu us/tx" "store cpu us/tx"
for mode in simple extended prepared; do
  direct=$(awk -v m="$mode" '$1 == m && $2 == "direct" {print $3}' "$results" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  for t in "${targets[@]}"; do
    awk -v m="$mode" -v t="$t" '$1 == m && $2 == t {print $3, $4, $5, $6}' "$results" | sort -n |
      awk -v m="$mode" -v t="$t" -v d="$direct" '{tps[NR] = $1; us[NR] = $2; host[NR] = $3; store[NR] = $4}
        END { i = int((NR + 1) / 2); cpu = (t == "direct") ? "-" : sprintf("%.1f", us[i]);
              printf "%-9s %-10s %10d %7.2f %14s %15.1f %16.1f\n", m, t, tps[i], tps[i] / d, cpu, host[i], store[i] }'
  done
done
echo "(cpu: the proxy's own process; vigil's includes its trail shipper. host: every process on the"
echo " machine per transaction, pgbench and PostgreSQL included. store: the backends writing Vigil's trail)"
