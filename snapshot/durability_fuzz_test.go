package snapshot

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/txn"
	"github.com/memflux/memflux/value"
)

// genCorpus regenerates testdata/fuzz/FuzzLoad from seedFiles:
//
//	go test ./snapshot -run TestFuzzLoadCorpus -gencorpus
var genCorpus = flag.Bool("gencorpus", false, "rewrite the FuzzLoad seed corpus in testdata/fuzz/FuzzLoad")

// fuzzTS is the timestamp of the snapshots FuzzLoad frames around its input.
const fuzzTS = 42

// frame wraps payload in a well-formed snapshot file (header, one block when payload is
// not empty, trailer), with the checksums right and the header count equal to the number
// of entries forEntry decodes, so the fuzzer explores the entry decoder and not the CRCs.
func frame(payload []byte) []byte {
	var count int64
	var order entryOrder
	if forEntry(payload, &order, func(mvcc.Space, []byte, value.Value) { count++ }) != nil {
		count = 0
	}
	out := header(fuzzTS, count)
	if len(payload) > 0 {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(payload)))
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(payload, castagnoli))
		out = append(out, payload...)
	}
	out = binary.LittleEndian.AppendUint32(out, 0)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(countBytes(count), castagnoli))
	return append(out, trailerMagic...)
}

// entry encodes one snapshot entry.
func entry(sp mvcc.Space, key string, v value.Value) []byte {
	b := []byte{byte(sp)}
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	return value.AppendEncoded(b, v)
}

// seedFiles returns the seed inputs of FuzzLoad: (raw file bytes, false) or (block
// payload, true).
func seedFiles(t testing.TB) []struct {
	data  []byte
	frame bool
} {
	t.Helper()
	m := newManager()
	for _, e := range []struct {
		sp  mvcc.Space
		key string
		val value.Value
	}{
		{mvcc.Data, "bytes", value.Bytes("hello\x00world")},
		{mvcc.Data, "user:1", value.JSON(`{"a":1}`)},
		{mvcc.Data, "list", value.FromList(value.NewList("a", "b", ""))},
		{mvcc.Data, "set", value.FromSet(value.NewSet("x", "y"))},
		{mvcc.Index, "idx\x00k", value.Bytes("")},
		{mvcc.Meta, "def", value.Bytes("meta")},
	} {
		tx := m.Begin(txn.ModeLatest)
		tx.Put(e.sp, []byte(e.key), e.val)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "seed.snapshot")
	tx := m.Begin(txn.ModeSnapshot)
	_, err := Write(tx, path, path+".tmp")
	tx.Rollback()
	if err != nil {
		t.Fatal(err)
	}
	valid, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	good := slices.Concat(entry(mvcc.Data, "a", value.Bytes("1")), entry(mvcc.Data, "b", value.FromList(value.NewList("x"))),
		entry(mvcc.Meta, "m", value.Bytes("")))
	seeds := []struct {
		data  []byte
		frame bool
	}{
		{valid, false},
		{valid[:headerLen], false},
		{valid[:len(valid)-1], false},
		{frame(nil), false},
		{nil, true},
		{good, true},
		{good[:len(good)-2], true},        // truncated value
		{slices.Concat(good, good), true}, // keys repeat: out of order
		{slices.Concat(entry(mvcc.Data, "b", value.Bytes("")), entry(mvcc.Data, "a", value.Bytes(""))), true},
		{append([]byte{byte(mvcc.NumSpaces), 1, 'k'}, value.AppendEncoded(nil, value.Bytes("v"))...), true},                     // bad space
		{[]byte{byte(mvcc.Data), 1, 'k', byte(value.KindNone)}, true},                                                           // empty value
		{[]byte{byte(mvcc.Data), 0xff, 0xff, 0xff, 0xff, 0x0f}, true},                                                           // huge key length
		{append(entry(mvcc.Data, "s", value.Bytes("")), byte(mvcc.Data), 1, 't', byte(value.KindSet), 2, 1, 'x', 1, 'x'), true}, // repeated set member
	}
	return seeds
}

// FuzzLoad loads arbitrary bytes as a snapshot file. With frame set, the input is a block
// payload wrapped in a well-formed file (see frame), which gets it past the checksums.
// Load must never panic; it either fails with ErrCorrupt and installs nothing, or loads
// a state that Write reproduces exactly. The seed corpus is testdata/fuzz/FuzzLoad. Each
// accepted input is written back with fsync, so fuzz on a memory file system:
//
//	TMPDIR=/dev/shm go test ./snapshot -run '^$' -fuzz FuzzLoad -fuzztime 5m
func FuzzLoad(f *testing.F) {
	for _, s := range seedFiles(f) {
		f.Add(s.data, s.frame)
	}
	f.Fuzz(func(t *testing.T, data []byte, framed bool) {
		if framed {
			data = frame(data)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "in.snapshot")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m := newManager()
		st, ok, err := Load(m, path, nil)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) || ok || !strings.Contains(err.Error(), "in.snapshot") {
				t.Fatalf("Load = %v, %v; want ErrCorrupt naming the file", ok, err)
			}
			if got := dump(m); len(got) != 0 || m.Store().Live() != 0 || m.Store().Clock() != 0 {
				t.Fatalf("failed Load left %d entries, live %d, clock %d", len(got), m.Store().Live(), m.Store().Clock())
			}
			return
		}
		if !ok || m.Store().Clock() != st.TS || st.Bytes != int64(len(data)) {
			t.Fatalf("Load = %+v, %v; clock %d", st, ok, m.Store().Clock())
		}
		loaded := dump(m)
		if int64(len(loaded)) != st.Keys {
			t.Fatalf("loaded %d entries, stats say %d", len(loaded), st.Keys)
		}
		// Write it back and load that: the same state, and the same bytes as the input
		// when the input came from Write (one block per 64 KiB is all Write makes).
		again, st2 := writeSnap(t, m, dir)
		if st2.TS != st.TS || st2.Keys != st.Keys {
			t.Fatalf("rewrite stats %+v, want %+v", st2, st)
		}
		m2 := newManager()
		if _, _, err := Load(m2, again, nil); err != nil {
			t.Fatalf("reloading a written snapshot: %v", err)
		}
		if a, b := strings.Join(loaded, "\n"), strings.Join(dump(m2), "\n"); a != b {
			t.Fatalf("round trip differs:\n%s\nwant\n%s", b, a)
		}
	})
}

// TestFuzzLoadCorpus checks that the checked-in seed corpus is the one seedFiles makes
// (or rewrites it with -gencorpus), so the corpus and the format cannot drift apart.
func TestFuzzLoadCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	seeds := seedFiles(t)
	if *genCorpus {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range seeds {
		name := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\nbool(%v)\n", s.data, s.frame)
		if *genCorpus {
			if err := os.WriteFile(name, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("seed corpus missing (run with -gencorpus): %v", err)
		}
		if string(got) != want {
			t.Errorf("%s is stale: regenerate with go test ./snapshot -run TestFuzzLoadCorpus -gencorpus", name)
		}
	}
}

// TestLoadRejectsBadEntries: block payloads whose checksums match but whose entries are
// wrong (only a writer bug makes them) fail with ErrCorrupt and leave the store empty,
// even when earlier entries were fine.
func TestLoadRejectsBadEntries(t *testing.T) {
	good := entry(mvcc.Data, "a", value.Bytes("1"))
	tests := []struct {
		name    string
		file    []byte
		wantErr string
	}{
		{"out of order", frame(slices.Concat(good, entry(mvcc.Data, "0", value.Bytes("")))), "out of order"},
		{"repeated key", frame(slices.Concat(good, good)), "out of order"},
		{"bad value after good", frame(slices.Concat(good, []byte{byte(mvcc.Data), 1, 'b', 99})), "unknown kind"},
		{"count too high", withCount(frame(good), 2), "header says 2"},
		{"count without blocks", withCount(frame(nil), 1), "header says 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.snapshot")
			if err := os.WriteFile(path, tt.file, 0o644); err != nil {
				t.Fatal(err)
			}
			m := newManager()
			_, ok, err := Load(m, path, nil)
			if ok || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load = %v, %v; want ErrCorrupt mentioning %q", ok, err, tt.wantErr)
			}
			if n := len(dump(m)); n != 0 || m.Store().Live() != 0 {
				t.Fatalf("failed Load installed %d entries (live %d)", n, m.Store().Live())
			}
		})
	}
}

// withCount rewrites the key count of a framed snapshot, fixing the header and trailer
// checksums, so only the count disagrees with the entries.
func withCount(file []byte, n int64) []byte {
	out := slices.Clone(file)
	copy(out, header(fuzzTS, n))
	tr := len(out) - len(trailerMagic) - 8
	binary.LittleEndian.PutUint32(out[tr+4:], crc32.Checksum(countBytes(n), castagnoli))
	return out
}

// TestLoadClockFollowsSnapshot: the loading store's clock becomes the snapshot's
// timestamp, so the next commit is ordered after every loaded version.
func TestLoadClockFollowsSnapshot(t *testing.T) {
	m := newManager()
	for i := range 10 {
		put(t, m, mvcc.Data, "k", value.Bytes(fmt.Sprint(i)))
	}
	path, st := writeSnap(t, m, t.TempDir())
	m2 := newManager()
	if _, _, err := Load(m2, path, nil); err != nil {
		t.Fatal(err)
	}
	if m2.Store().Clock() != st.TS || st.TS != 10 {
		t.Fatalf("clock = %d, snapshot ts = %d, want 10", m2.Store().Clock(), st.TS)
	}
	// The next commit gets a later timestamp and overrides the loaded value.
	put(t, m2, mvcc.Data, "k", value.Bytes("new"))
	tx := m2.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	if v := tx.Get(mvcc.Data, []byte("k")); v.Str() != "new" {
		t.Fatalf("after a commit k = %q, want new", v.Str())
	}
}
