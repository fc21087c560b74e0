package mvcc

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/memflux/memflux/value"
)

// chainOf returns the timestamps and values of key's chain, newest first ("-" marks a
// tombstone).
func chainOf(s *Store, key string) []string {
	c := s.Chain(Data, []byte(key))
	if c == nil {
		return nil
	}
	var out []string
	for v := c.Head(); v != nil; v = v.Next() {
		val := "-"
		if v.Value().Exists() {
			val = v.Value().Str()
		}
		out = append(out, fmt.Sprintf("%d:%s", v.TS(), val))
	}
	return out
}

// commit installs val (nil: tombstone) as the version of key at the next timestamp, the
// way txn.Manager does, and returns that timestamp.
func commit(s *Store, key string, val *string, snaps []uint64) uint64 {
	ts := s.Clock() + 1
	v := value.Value{}
	if val != nil {
		v = value.Bytes(*val)
	}
	s.Install(Data, []byte(key), v, ts, snaps)
	s.SetClock(ts)
	return ts
}

func str(s string) *string { return &s }

// vacuum runs VacuumBatch over the whole Data space in batches of max keys.
func vacuum(s *Store, max int, snaps []uint64) {
	var from []byte
	for {
		if from = s.VacuumBatch(Data, from, max, snaps); from == nil {
			return
		}
	}
}

func TestNeeded(t *testing.T) {
	tests := []struct {
		ts, newer uint64
		snaps     []uint64
		want      bool
	}{
		{5, 10, nil, false},
		{5, 10, []uint64{4}, false},
		{5, 10, []uint64{5}, true},
		{5, 10, []uint64{9}, true},
		{5, 10, []uint64{10}, false},
		{5, 10, []uint64{1, 2, 11}, false},
		{5, 10, []uint64{1, 7, 11}, true},
		{5, 6, []uint64{5, 6}, true},
		{0, 1, []uint64{0}, true},
	}
	for _, tc := range tests {
		if got := needed(tc.ts, tc.newer, tc.snaps); got != tc.want {
			t.Errorf("needed(%d, %d, %v) = %v, want %v", tc.ts, tc.newer, tc.snaps, got, tc.want)
		}
	}
}

// TestOverwritesLeaveOneVersion: 1,000 overwrites with no open snapshot keep at most two
// versions at any time (write-path pruning) and one after vacuum.
func TestOverwritesLeaveOneVersion(t *testing.T) {
	s := NewStore()
	for i := range 1000 {
		commit(s, "k", str(fmt.Sprintf("v%d", i)), nil)
		if n := len(chainOf(s, "k")); n > 2 {
			t.Fatalf("after %d overwrites the chain has %d versions: %v", i+1, n, chainOf(s, "k"))
		}
	}
	vacuum(s, 1024, nil)
	if got, want := fmt.Sprint(chainOf(s, "k")), "[1000:v999]"; got != want {
		t.Fatalf("chain after vacuum = %s, want %s", got, want)
	}
	if v, k := s.TakeRemoved(); v != 999 || k != 0 {
		t.Fatalf("TakeRemoved = %d versions, %d keys; want 999, 0", v, k)
	}
	if v, k := s.TakeRemoved(); v != 0 || k != 0 {
		t.Fatalf("second TakeRemoved = %d, %d; want 0, 0", v, k)
	}
	if got, want := s.Mem(), int64(KeyOverhead+1+VersionOverhead+len("v999")); got != want {
		t.Fatalf("Mem = %d, want %d", got, want)
	}
	if s.Live() != 1 {
		t.Fatalf("Live = %d, want 1", s.Live())
	}
}

// TestSnapshotsKeepTheirVersions: versions a registered snapshot can see survive pruning
// and vacuum until the snapshot goes; the rest are removed on the way.
func TestSnapshotsKeepTheirVersions(t *testing.T) {
	s := NewStore()
	commit(s, "k", str("v1"), nil) // ts 1
	commit(s, "k", str("v2"), nil) // ts 2
	snaps := []uint64{2}           // a transaction began at 2
	for i := 3; i <= 1000; i++ {
		commit(s, "k", str(fmt.Sprintf("v%d", i)), snaps)
		if i == 500 {
			snaps = []uint64{2, 500} // a second one began at 500
		}
		c := chainOf(s, "k")
		if len(c) > 4 {
			t.Fatalf("after ts %d the chain has %d versions: %v", i, len(c), c)
		}
		if v := s.At(Data, []byte("k"), 2); v == nil || v.Value().Str() != "v2" {
			t.Fatalf("after ts %d the snapshot at 2 lost its version", i)
		}
	}
	vacuum(s, 1, snaps)
	if got, want := fmt.Sprint(chainOf(s, "k")), "[1000:v1000 500:v500 2:v2]"; got != want {
		t.Fatalf("chain with snapshots 2 and 500 = %s, want %s", got, want)
	}
	for _, tc := range []struct {
		ts   uint64
		want string
	}{{2, "v2"}, {499, "v2"}, {500, "v500"}, {999, "v500"}, {1000, "v1000"}} {
		if v := s.At(Data, []byte("k"), tc.ts); v == nil || v.Value().Str() != tc.want {
			t.Errorf("At(%d) = %v, want %s", tc.ts, v, tc.want)
		}
	}
	vacuum(s, 1, []uint64{500}) // the older transaction ended
	if got, want := fmt.Sprint(chainOf(s, "k")), "[1000:v1000 500:v500]"; got != want {
		t.Fatalf("chain with snapshot 500 = %s, want %s", got, want)
	}
	vacuum(s, 1, nil) // both ended
	if got, want := fmt.Sprint(chainOf(s, "k")), "[1000:v1000]"; got != want {
		t.Fatalf("chain without snapshots = %s, want %s", got, want)
	}
	if v, _ := s.TakeRemoved(); v != 999 {
		t.Fatalf("removed %d versions in all, want 999", v)
	}
}

// TestDeletedKeys: a key whose newest version is a tombstone goes when nothing older is
// needed, but not while a snapshot older than the tombstone exists.
func TestDeletedKeys(t *testing.T) {
	s := NewStore()
	commit(s, "a", str("1"), nil) // ts 1
	commit(s, "a", nil, nil)      // ts 2
	if s.Live() != 0 {
		t.Fatalf("Live = %d after the delete, want 0", s.Live())
	}
	vacuum(s, 1024, nil)
	if c := s.Chain(Data, []byte("a")); c != nil {
		t.Fatalf("deleted key still has a chain: %v", chainOf(s, "a"))
	}
	if v, k := s.TakeRemoved(); v != 1 || k != 1 {
		t.Fatalf("TakeRemoved = %d, %d; want 1, 1", v, k)
	}
	if s.Mem() != 0 {
		t.Fatalf("Mem = %d with no keys, want 0", s.Mem())
	}

	// A snapshot at 2 began before b existed: b's versions are invisible to it, but its
	// tombstone is newer than the snapshot, so the key stays until the snapshot goes.
	snaps := []uint64{s.Clock()}
	commit(s, "b", str("1"), snaps) // ts 3
	commit(s, "b", nil, snaps)      // ts 4
	vacuum(s, 1024, snaps)
	if got, want := fmt.Sprint(chainOf(s, "b")), "[4:-]"; got != want {
		t.Fatalf("chain of b with an older snapshot = %s, want %s", got, want)
	}
	vacuum(s, 1024, nil)
	if c := s.Chain(Data, []byte("b")); c != nil {
		t.Fatalf("b still has a chain after the snapshot went: %v", chainOf(s, "b"))
	}

	// A snapshot that can see the deleted value keeps it and the key.
	commit(s, "c", str("1"), nil) // ts 5
	snaps = []uint64{s.Clock()}
	commit(s, "c", nil, snaps) // ts 6
	vacuum(s, 1024, snaps)
	if got, want := fmt.Sprint(chainOf(s, "c")), "[6:- 5:1]"; got != want {
		t.Fatalf("chain of c = %s, want %s", got, want)
	}
	vacuum(s, 1024, nil)
	if s.Chain(Data, []byte("c")) != nil || s.Mem() != 0 || s.Tree(Data).Len() != 0 {
		t.Fatalf("store not empty after deleting everything: chain %v, Mem %d, Len %d",
			chainOf(s, "c"), s.Mem(), s.Tree(Data).Len())
	}
}

// TestVacuumBatches covers resumption over many keys in small batches.
func TestVacuumBatches(t *testing.T) {
	s := NewStore()
	const n = 3000
	for i := range n {
		k := fmt.Sprintf("key%05d", i)
		commit(s, k, str("a"), nil)
		commit(s, k, str("b"), nil)
		if i%3 == 0 {
			commit(s, k, nil, nil)
		}
	}
	vacuum(s, 7, nil)
	if got, want := s.Tree(Data).Len(), n-n/3; got != want {
		t.Fatalf("%d keys left, want %d", got, want)
	}
	if got := s.Live(); got != int64(n-n/3) {
		t.Fatalf("Live = %d, want %d", got, n-n/3)
	}
	for i := range n {
		k := fmt.Sprintf("key%05d", i)
		c := chainOf(s, k)
		if (i%3 == 0) != (c == nil) || (c != nil && len(c) != 1) {
			t.Fatalf("key %s: chain %v", k, c)
		}
	}
	if v, k := s.TakeRemoved(); v != 2*(n/3)+(n-n/3) || k != n/3 {
		t.Fatalf("TakeRemoved = %d, %d; want %d, %d", v, k, 2*(n/3)+(n-n/3), n/3)
	}
}

// TestLatestIgnoresUninstalledHead: a version newer than the clock belongs to a commit in
// progress; Latest returns the one below it until the clock is published.
func TestLatestIgnoresUninstalledHead(t *testing.T) {
	s := NewStore()
	if s.Latest(Data, []byte("k")) != nil || s.LatestString(Data, "k") != nil {
		t.Fatalf("Latest of a missing key is not nil")
	}
	commit(s, "k", str("old"), nil)
	s.Install(Data, []byte("k"), value.Bytes("new"), s.Clock()+1, nil)
	if v := s.Latest(Data, []byte("k")); v.Value().Str() != "old" {
		t.Fatalf("Latest before the clock moved = %q, want old", v.Value().Str())
	}
	s.SetClock(s.Clock() + 1)
	if v := s.LatestString(Data, "k"); v.Value().Str() != "new" {
		t.Fatalf("Latest after the clock moved = %q, want new", v.Value().Str())
	}
}

func TestSpacesAreSeparate(t *testing.T) {
	s := NewStore()
	s.Install(Index, []byte("k"), value.Bytes("i"), 1, nil)
	s.Install(Meta, []byte("k"), value.Bytes("m"), 1, nil)
	s.SetClock(1)
	if s.Latest(Data, []byte("k")) != nil {
		t.Fatalf("an Index or Meta key is visible in Data")
	}
	if s.Latest(Index, []byte("k")).Value().Str() != "i" || s.Latest(Meta, []byte("k")).Value().Str() != "m" {
		t.Fatalf("spaces mixed up")
	}
	if s.Live() != 0 {
		t.Fatalf("Live counts non-Data keys: %d", s.Live())
	}
}

func TestReset(t *testing.T) {
	s := NewStore()
	commit(s, "a", str("1"), nil)
	commit(s, "a", str("2"), nil)
	commit(s, "b", str("1"), nil)
	clock := s.Clock()
	s.Reset()
	if s.Chain(Data, []byte("a")) != nil || s.Tree(Data).Len() != 0 {
		t.Fatalf("keys survive Reset")
	}
	if s.Clock() != clock {
		t.Fatalf("Reset moved the clock from %d to %d", clock, s.Clock())
	}
	if s.Live() != 0 || s.Mem() != 0 {
		t.Fatalf("Reset left Live %d, Mem %d", s.Live(), s.Mem())
	}
	if v, k := s.TakeRemoved(); v != 0 || k != 0 {
		t.Fatalf("Reset left removal counts %d, %d for VACUUM", v, k)
	}
}

// TestConcurrentReaders runs lock-free readers (Latest, At, Scan) against a writer and a
// vacuum sharing one commit lock; run with -race.
func TestConcurrentReaders(t *testing.T) {
	s := NewStore()
	var commitMu sync.Mutex // the single-writer lock txn.Manager would hold
	const keys = 64
	var stop atomic.Bool
	var wg sync.WaitGroup
	// Snapshot pinned at ts of the first full round: its versions must stay visible.
	for i := range keys {
		commit(s, fmt.Sprintf("k%02d", i), str("0"), nil)
	}
	pinned := s.Clock()
	snaps := []uint64{pinned}
	wg.Add(2)
	go func() { // writer
		defer wg.Done()
		for n := 1; n <= 20000; n++ {
			commitMu.Lock()
			commit(s, fmt.Sprintf("k%02d", n%keys), str(fmt.Sprint(n)), snaps)
			commitMu.Unlock()
		}
		stop.Store(true)
	}()
	go func() { // vacuum
		defer wg.Done()
		for !stop.Load() {
			commitMu.Lock()
			vacuum(s, 16, snaps)
			commitMu.Unlock()
		}
	}()
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := make([]uint64, keys)
			for !stop.Load() {
				for i := range keys {
					k := fmt.Sprintf("k%02d", i)
					v := s.LatestString(Data, k)
					if v == nil || v.TS() < last[i] || v.TS() > s.Clock() {
						t.Errorf("Latest(%s) went back or ahead: %v after %d", k, v, last[i])
						return
					}
					last[i] = v.TS()
					if p := s.At(Data, []byte(k), pinned); p == nil || p.Value().Str() != "0" {
						t.Errorf("the pinned snapshot lost %s", k)
						return
					}
				}
				n := 0
				s.Tree(Data).Scan(nil, func([]byte, *Chain) bool { n++; return true })
				if n != keys {
					t.Errorf("scan saw %d keys, want %d", n, keys)
					return
				}
			}
		}()
	}
	wg.Wait()
	for i := range keys {
		if c := chainOf(s, fmt.Sprintf("k%02d", i)); len(c) > 3 {
			t.Errorf("chain of k%02d has %d versions: %v", i, len(c), c)
		}
	}
}
