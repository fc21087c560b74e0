#!/usr/bin/env bash
# bench/sql.sh — MemFlux's SQL engine against SQLite (modernc.org/sqlite) on the same JSON
# data, in the same run (issue 5, "Performance"; see bench/sqlbench/doc.go for the data and
# the queries).
#
# Runs BenchmarkSQL of the bench/sqlbench module COUNT times and prints, per case and size,
# the median ns/op of each engine and the ratio memflux/sqlite (goal: <= 2.0).
#
# Usage: bench/sql.sh              (from anywhere)
# Environment: COUNT (default 3), BENCHTIME (default 2s),
#              FILTER (a -bench regexp, default: every case, e.g. 'SQL/rows=100k'),
#              CPUPROFILE=file (profile the run; read with `go tool pprof -top file`).
set -euo pipefail

COUNT=${COUNT:-3}
BENCHTIME=${BENCHTIME:-2s}
FILTER=${FILTER:-SQL}

root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

cd "$root/bench/sqlbench"
extra=()
if [ -n "${CPUPROFILE:-}" ]; then
	extra+=("-cpuprofile" "$CPUPROFILE")
fi
# -mod=mod lets the module pick up dependencies the main module gained since go.sum was
# last written (the replace directive points at the working tree).
GOFLAGS=-mod=mod go test -run '^$' -bench "$FILTER" -benchmem -benchtime "$BENCHTIME" \
	-count "$COUNT" -timeout 60m "${extra[@]}" . | tee "$out" >&2

# Lines look like:
# BenchmarkSQL/rows=100k/case=scan_filter/engine=memflux-2   10   1234567 ns/op   ...
awk '
/^BenchmarkSQL\// {
	name = $1
	sub(/-[0-9]+$/, "", name)
	n = split(name, parts, "/")
	engine = parts[n]; sub(/^engine=/, "", engine)
	key = parts[2] " " parts[3]
	sub(/rows=/, "", key); sub(/case=/, "", key)
	for (i = 2; i <= NF; i++) if ($(i+1) == "ns/op") { ns = $i; break }
	vals[key, engine] = vals[key, engine] " " ns
	if (!(key in seen)) { seen[key] = 1; order[++k] = key }
}
function median(list,    a, m, i, j, t) {
	m = split(list, a, " ")
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	if (m == 0) return 0
	return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function human(ns) {
	if (ns >= 1e9) return sprintf("%.2f s", ns / 1e9)
	if (ns >= 1e6) return sprintf("%.2f ms", ns / 1e6)
	return sprintf("%.1f us", ns / 1e3)
}
END {
	printf "\n%-6s %-12s %12s %12s %8s\n", "rows", "case", "memflux", "sqlite", "ratio"
	for (i = 1; i <= k; i++) {
		split(order[i], kc, " ")
		m = median(vals[order[i], "memflux"]); s = median(vals[order[i], "sqlite"])
		ratio = (s > 0) ? m / s : 0
		printf "%-6s %-12s %12s %12s %8.2f\n", kc[1], kc[2], human(m), human(s), ratio
	}
}' "$out"
