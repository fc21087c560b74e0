#!/usr/bin/env bash
# bench/resp.sh — memflux-server against redis-server with redis-benchmark.
#
# Starts memflux-server and redis-server on free loopback ports (both without persistence:
# redis with --save '' --appendonly no, memflux with --persistence=false), then runs
#   redis-benchmark -t set,get,lpush,lpop,sadd -c 50 -n $REQUESTS -q --csv -P $P
# for P in 1 and 16, alternating the two servers (and which goes first) for $ROUNDS rounds,
# and prints the median requests per second of each server and the ratio memflux/redis.
#
# Usage: bench/resp.sh            (from the repository root; installs redis if missing)
# Environment: ROUNDS (default 5), REQUESTS (default 200000), CLIENTS (default 50),
#              TESTS (default set,get,lpush,lpop,sadd), PIPELINES (default "1 16"),
#              MEMFLUX_ARGS (extra memflux-server flags, e.g. "--persistence=true"),
#              CPUPROFILE=file (write a CPU profile of memflux-server over the whole run,
#              with its --cpuprofile flag; read it with `go tool pprof -top file`).
set -euo pipefail

ROUNDS=${ROUNDS:-5}
REQUESTS=${REQUESTS:-200000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-set,get,lpush,lpop,sadd}
PIPELINES=${PIPELINES:-"1 16"}
MEMFLUX_ARGS=${MEMFLUX_ARGS:-}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
	echo "installing redis-server and redis-tools..." >&2
	apt-get update >/dev/null && apt-get install -y redis-server redis-tools >/dev/null
fi

# free_port prints a loopback TCP port nobody listens on.
free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "no free port found" >&2
	exit 1
}

# wait_port waits until something accepts connections on port $1.
wait_port() {
	for _ in $(seq 1 200); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return
		fi
		sleep 0.05
	done
	echo "nothing listens on port $1" >&2
	exit 1
}

echo "building memflux-server..." >&2
(cd "$root" && go build -o "$work/memflux-server" ./cmd/memflux-server)

mf_port=$(free_port)
mkdir -p "$work/memflux"
# shellcheck disable=SC2086
(cd "$work/memflux" && exec "$work/memflux-server" --port "$mf_port" --persistence=false \
	--log-level warn ${CPUPROFILE:+--cpuprofile "$CPUPROFILE"} $MEMFLUX_ARGS) &
pids+=($!)
mf_pid=$!

rd_port=$(free_port)
while [ "$rd_port" = "$mf_port" ]; do rd_port=$(free_port); done
redis-server --bind 127.0.0.1 --port "$rd_port" --save '' --appendonly no \
	--dir "$work" --logfile "$work/redis.log" --daemonize no &
pids+=($!)

wait_port "$mf_port"
wait_port "$rd_port"
echo "memflux-server on $mf_port, redis-server $(redis-server --version | awk '{print $3}') on $rd_port" >&2

results="$work/results.csv"
: >"$results"

# bench NAME PORT P appends "NAME,P,TEST,RPS" lines to the results.
bench() {
	local name=$1 port=$2 p=$3
	redis-cli -p "$port" FLUSHALL >/dev/null
	redis-benchmark -h 127.0.0.1 -p "$port" -t "$TESTS" -c "$CLIENTS" -n "$REQUESTS" -q --csv -P "$p" |
		awk -F'"' -v name="$name" -v p="$p" '$2 != "test" && NF > 3 { print name "," p "," $2 "," $4 }' >>"$results"
}

for round in $(seq 1 "$ROUNDS"); do
	for p in $PIPELINES; do
		echo "round $round/$ROUNDS, -P $p" >&2
		if [ $((round % 2)) -eq 1 ]; then
			bench memflux "$mf_port" "$p"
			bench redis "$rd_port" "$p"
		else
			bench redis "$rd_port" "$p"
			bench memflux "$mf_port" "$p"
		fi
	done
done

# Stop memflux-server gracefully so that a CPU profile is written.
kill -TERM "$mf_pid"
wait "$mf_pid" 2>/dev/null || true

echo
echo "requests/s of every round (server, -P, test: round 1, 2, ...):"
sort -t, -k3,3 -k2,2n -k1,1 -s "$results" | awk -F, '
	{ k = $1 " -P " $2 " " $3; if (!(k in v)) order[n++] = k; v[k] = v[k] " " int($4) }
	END { for (i = 0; i < n; i++) printf "  %-22s%s\n", order[i], v[order[i]] }'
echo
echo "median requests/s over $ROUNDS rounds (-c $CLIENTS -n $REQUESTS; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-8s %4s %14s %14s %8s\n' test P memflux redis ratio
sort -t, -k3,3 -k2,2n -k1,1 "$results" | awk -F, '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ key = $3 SUBSEP $2; vals[key, $1] = vals[key, $1] " " ($4 + 0); keys[key] = 1; order[key] = $3 " " sprintf("%04d", $2) }
END {
	n = 0
	for (k in keys) { n++; ks[n] = order[k] "\t" k }
	for (i = 2; i <= n; i++) { t = ks[i]; for (j = i - 1; j >= 1 && ks[j] > t; j--) ks[j + 1] = ks[j]; ks[j + 1] = t }
	for (i = 1; i <= n; i++) {
		split(ks[i], parts, "\t"); k = parts[2]; split(k, kp, SUBSEP)
		m = median(vals[k, "memflux"]); r = median(vals[k, "redis"])
		printf "%-8s %4s %14.0f %14.0f %7.2fx\n", kp[1], kp[2], m, r, (r > 0 ? m / r : 0)
	}
}'
