// Package crash holds the crash tests of MemFlux's durability (issue 4): they build the
// memflux-server binary, run it on a temporary directory with "durability": "full", drive
// it with concurrent go-redis clients that record every acknowledged write, kill it with
// SIGKILL at a random moment (also in the middle of a snapshot), restart it and check
// that every acknowledged write is there and no transaction is partly visible.
//
// # Running
//
//	go test ./internal/tests/crash                 # 20 crash cycles, about half a minute
//	go test ./internal/tests/crash -cycles 500     # more cycles
//	go test ./internal/tests/crash -long           # 200 cycles, 1M keys in the snapshot test
//	go test ./internal/tests/crash -seed 42        # replay a logged seed
//
// A SIGKILL leaves the kernel's page cache intact, so these tests check atomicity and the
// recovery logic (torn records, compaction in flight, snapshots in flight), not fsync
// itself; what each durability level promises across a power failure is argued in
// wal/DESIGN.md.
package crash
