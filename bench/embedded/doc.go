// Package embedded compares embedded MemFlux with its peers (issue 9). It is a module of
// its own so that modernc.org/sqlite stays out of the main go.mod.
//
// Go: database/sql with the memflux driver against database/sql with modernc.org/sqlite,
// for a small SET/GET and an indexed point query:
//
//	cd bench/embedded && go test -bench . -benchtime 2s
//
// Python: run.sh builds libmemflux.so, starts memflux-server and runs python_bench.py
// (the memflux package through the library against redis-py through the server):
//
//	bench/embedded/run.sh
package embedded
