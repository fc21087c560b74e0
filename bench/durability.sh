#!/usr/bin/env bash
# Durable writes/s through the network: memflux-server at "durability": "full" against
# redis-server --appendonly yes --appendfsync always, both driven by redis-benchmark
# (SET, 16-byte values, random keys) with 1, 16 and 64 concurrent clients.
#
# Each round starts every server afresh on an empty directory, alternating which server
# goes first, so drifting load on a shared machine hits both alike. The result is the
# median writes/s per server and client count over ROUNDS rounds, and their ratio.
#
#   bench/durability.sh                        # 5 rounds
#   ROUNDS=9 CLIENTS="16 64" bench/durability.sh
#   MEMFLUX_SERVER=/path/to/memflux-server bench/durability.sh   # skip the build
#
# Needs redis-server, redis-cli and redis-benchmark (apt-get install redis-server
# redis-tools; installed automatically when running as root). Uses only 127.0.0.1.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
CLIENTS=${CLIENTS:-"1 16 64"}
VALUE_SIZE=${VALUE_SIZE:-16}
KEYSPACE=${KEYSPACE:-100000}
# Requests per run, by client count: enough for a few seconds at full durability.
requests() { case $1 in 1) echo "${REQ_1:-1000}" ;; 16) echo "${REQ_16:-20000}" ;; *) echo "${REQ_N:-40000}" ;; esac; }

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/memflux-durability-bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y redis-server redis-tools >/dev/null
	else
		echo "need redis-server and redis-benchmark (apt-get install redis-server redis-tools)" >&2
		exit 1
	fi
fi

server=${MEMFLUX_SERVER:-}
if [ -z "$server" ]; then
	server=$work/memflux-server
	(cd "$root" && go build -o "$server" ./cmd/memflux-server)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ping() { # port
	for _ in $(seq 1 600); do
		if redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null | grep -q PONG; then return 0; fi
		sleep 0.05
	done
	echo "server on port $1 did not answer PING" >&2
	return 1
}

start_memflux() { # dir port
	printf '{"host": "127.0.0.1", "port": %s, "durability": "full"}\n' "$2" >"$1/config.json"
	"$server" --config "$1/config.json" --dir "$1" --port "$2" >"$1/server.log" 2>&1 &
	server_pid=$!
	pids+=("$server_pid")
}

start_redis() { # dir port
	redis-server --bind 127.0.0.1 --port "$2" --dir "$1" --appendonly yes --appendfsync always \
		--save "" --daemonize no --logfile "$1/server.log" >/dev/null 2>&1 &
	server_pid=$!
	pids+=("$server_pid")
}

# run NAME CLIENTS: one fresh server, one redis-benchmark run; sets rps (requests/s).
run() {
	local name=$1 c=$2 dir port
	dir=$(mktemp -d "$work/$name.XXXX")
	port=$(free_port)
	"start_$name" "$dir" "$port"
	wait_ping "$port"
	rps=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$(requests "$c")" -c "$c" \
		-d "$VALUE_SIZE" -r "$KEYSPACE" --csv 2>/dev/null | awk -F'"' '/^"SET"/ {print $4}')
	rps=${rps:-0}
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	rm -rf "$dir"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "# $(date -u '+%F %T') UTC; load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "# redis: $(redis-server --version | cut -d' ' -f3); rounds: $ROUNDS; value: $VALUE_SIZE B"
declare -A results
for r in $(seq 1 "$ROUNDS"); do
	order="memflux redis"
	if [ $((r % 2)) = 0 ]; then order="redis memflux"; fi
	for c in $CLIENTS; do
		for name in $order; do
			run "$name" "$c"
			results[$name,$c]="${results[$name,$c]:-} $rps"
			echo "round $r clients $c $name: $rps writes/s"
		done
	done
done

echo
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %14s %14s %8s\n' clients memflux redis ratio
for c in $CLIENTS; do
	m=$(echo "${results[memflux,$c]}" | median)
	rd=$(echo "${results[redis,$c]}" | median)
	ratio=$(awk -v a="$m" -v b="$rd" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
	printf '%-8s %14s %14s %8s\n' "$c" "$m" "$rd" "$ratio"
done
