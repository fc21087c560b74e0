package art

import (
	"bytes"
	"testing"
)

// FuzzTree decodes data as a sequence of operations and checks a Tree
// against the sorted-map model after each one, validating the structure at
// the end. Each operation is an opcode byte, a length byte and that many key
// bytes (clipped at the end of data). Keys are built by appending to the
// previous key, so prefixes of each other and long shared paths are easy for
// the fuzzer to reach:
//
//	op%8: 0-2 insert, 3 delete, 4 delete with a wrong value, 5 get,
//	      6 scan from the key (stopping after len%8 keys if op&8),
//	      7 scan-prefix
//	op&16: start the key from scratch instead of extending the previous one
//	op&32: truncate the previous key to len%8 bytes before appending
//
// The seed corpus is in testdata/fuzz/FuzzTree.
func FuzzTree(f *testing.F) {
	f.Add([]byte{0, 3, 'a', 'b', 'c', 0, 1, 'd', 6, 0, 7, 0})
	f.Add([]byte{16, 0, 0, 2, 0, 0, 3, 0, 32, 1, 'x', 3, 0, 7, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := New[val]()
		h := &harness{t: t, name: "art", idx: tr, m: newModel()}
		var key []byte
		for len(data) >= 2 {
			op, n := data[0], int(data[1])
			data = data[2:]
			n = min(n, len(data))
			switch {
			case op&16 != 0:
				key = nil
			case op&32 != 0:
				key = key[:min(len(key), n%8)]
			}
			key = append(bytes.Clone(key), data[:n]...)
			data = data[n:]
			limit := -1
			if op&8 != 0 {
				limit = 1 + n%8
			}
			switch op % 8 {
			case 0, 1, 2:
				h.insert(key)
			case 3:
				h.remove(key, false)
			case 4:
				h.remove(key, true)
			case 5:
				h.get(key)
			case 6:
				h.scan(key, limit)
			case 7:
				h.scanPrefix(key, limit)
			}
			if got, want := tr.Len(), len(h.m.m); got != want {
				t.Fatalf("Len() = %d, want %d", got, want)
			}
		}
		keys, _, err := validate(tr)
		if err != nil {
			t.Fatalf("invalid tree: %v\n%s", err, dump(tr))
		}
		if !equalKeys(keys, h.m.sorted()) {
			t.Fatalf("tree keys %q, want %q", keys, h.m.sorted())
		}
	})
}
