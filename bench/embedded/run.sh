#!/usr/bin/env bash
# Benchmarks of issue 9 (embedded MemFlux), printed as tables:
#   1. Python: the memflux package through libmemflux.so vs redis-py through memflux-server
#      (Debian's python3-redis under /usr/bin/python3, installed here if missing);
#   2. Go: database/sql with the memflux driver vs modernc.org/sqlite.
# Usage: bench/embedded/run.sh [seconds per Python workload] [go -benchtime]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-2}
benchtime=${2:-2s}

if ! /usr/bin/python3 -c 'import redis' 2>/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-redis
fi

tmp=$(mktemp -d)
srv=
cleanup() {
	if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

go build -buildmode=c-shared -o "$tmp/libmemflux.so" ./ffi
go build -o "$tmp/memflux-server" ./cmd/memflux-server

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$tmp/memflux-server" --config "$tmp/config.json" --dir "$tmp" --port "$port" --persistence=false \
	>"$tmp/server.log" 2>&1 &
srv=$!
for _ in $(seq 100); do
	/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break
	sleep 0.1
done

echo "== Python: library vs redis-py to memflux-server (127.0.0.1:$port)"
PYTHONPATH=libs/python MEMFLUX_LIB="$tmp/libmemflux.so" /usr/bin/python3 bench/embedded/python_bench.py \
	--port "$port" --seconds "$secs"

echo
echo "== Go: database/sql, memflux driver vs modernc.org/sqlite"
(cd bench/embedded && GOWORK=off GOFLAGS=-mod=mod go test -run '^$' -bench . -benchtime "$benchtime")
