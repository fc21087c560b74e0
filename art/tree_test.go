package art

import (
	"reflect"
	"testing"
)

// TestLayout pins the sizes doc.go's node layout relies on: a two-line
// header whose line 0 holds everything a small-node lookup reads, and fat
// slots of one cache line.
func TestLayout(t *testing.T) {
	typ := reflect.TypeFor[inner[val]]()
	tests := []struct {
		what      string
		got, want uintptr
	}{
		{"inner header size", typ.Size(), 128},
		{"fat slot size", reflect.TypeFor[fat[val]]().Size(), 64},
		{"thin slot size", reflect.TypeFor[thin[val]]().Size(), 16},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.what, tt.got, tt.want)
		}
	}
	for _, f := range []string{"kind", "plen", "num", "keys", "b4", "b16", "b32"} {
		if sf, _ := typ.FieldByName(f); sf.Offset+sf.Type.Size() > 64 {
			t.Errorf("field %s ends at byte %d, outside cache line 0", f, sf.Offset+sf.Type.Size())
		}
	}
}

// TestEdgeCases covers the API's degenerate arguments.
func TestEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, tr *Tree[val])
	}{
		{"zero value tree", func(t *testing.T, _ *Tree[val]) {
			var tr Tree[val]
			if tr.Get([]byte("a")) != nil || tr.Len() != 0 || tr.CompareAndDelete([]byte("a"), &val{}) {
				t.Fatal("empty zero-value tree is not empty")
			}
			tr.Scan(nil, func([]byte, *val) bool { t.Fatal("scan of an empty tree yielded a key"); return false })
			if _, ins := tr.GetOrInsert([]byte("a"), func() *val { return &val{key: "a"} }); !ins || tr.Len() != 1 {
				t.Fatal("zero-value tree does not insert")
			}
		}},
		{"nil mk inserts nothing", func(t *testing.T, tr *Tree[val]) {
			if v, ins := tr.GetOrInsert([]byte("a"), nil); v != nil || ins || tr.Len() != 0 {
				t.Fatalf("got %v, %v, Len %d", v, ins, tr.Len())
			}
		}},
		{"mk returning nil inserts nothing", func(t *testing.T, tr *Tree[val]) {
			tr.GetOrInsert([]byte("ab"), func() *val { return &val{key: "ab"} })
			for _, k := range []string{"a", "ab", "abc", "b", ""} {
				if v, ins := tr.GetOrInsert([]byte(k), func() *val { return nil }); ins || (v == nil) != (k != "ab") {
					t.Fatalf("%q: got %v, %v", k, v, ins)
				}
			}
			if _, _, err := validate(tr); err != nil || tr.Len() != 1 {
				t.Fatalf("Len %d, %v", tr.Len(), err)
			}
		}},
		{"panicking mk leaves the tree unchanged", func(t *testing.T, tr *Tree[val]) {
			tr.GetOrInsert([]byte("ab"), func() *val { return &val{key: "ab"} })
			func() {
				defer func() { _ = recover() }()
				tr.GetOrInsert([]byte("ac"), func() *val { panic("mk") })
			}()
			if _, _, err := validate(tr); err != nil || tr.Len() != 1 || tr.GetString("ac") != nil {
				t.Fatalf("Len %d, %v", tr.Len(), err)
			}
			// The writer lock was released.
			if _, ins := tr.GetOrInsert([]byte("ac"), func() *val { return &val{key: "ac"} }); !ins {
				t.Fatal("insert after a panicking mk failed")
			}
		}},
		{"nil old never deletes", func(t *testing.T, tr *Tree[val]) {
			tr.GetOrInsert([]byte("a"), func() *val { return &val{key: "a"} })
			if tr.CompareAndDelete([]byte("a"), nil) || tr.Len() != 1 {
				t.Fatal("CompareAndDelete with nil old deleted")
			}
		}},
		{"nil callbacks are ignored", func(t *testing.T, tr *Tree[val]) {
			tr.GetOrInsert([]byte("a"), func() *val { return &val{key: "a"} })
			tr.Scan(nil, nil)
			tr.ScanPrefix(nil, nil)
		}},
		{"insert copies the key", func(t *testing.T, tr *Tree[val]) {
			k := []byte("abcdefghijklmnopqrstuvwxyz0123456789") // out-of-line suffix
			tr.GetOrInsert(k, func() *val { return &val{key: string(k)} })
			s := []byte("ab")
			tr.GetOrInsert(s, func() *val { return &val{key: string(s)} })
			k[5], s[1] = 'X', 'X'
			if tr.GetString("abcdefghijklmnopqrstuvwxyz0123456789") == nil || tr.GetString("ab") == nil {
				t.Fatal("mutating the caller's key changed the tree")
			}
		}},
		{"callbacks may write to the tree", func(t *testing.T, tr *Tree[val]) {
			for _, k := range []string{"a", "b", "c"} {
				tr.GetOrInsert([]byte(k), func() *val { return &val{key: k} })
			}
			var got []string
			tr.Scan(nil, func(k []byte, v *val) bool {
				got = append(got, string(k))
				tr.CompareAndDelete(k, v)
				return true
			})
			if len(got) != 3 || tr.Len() != 0 {
				t.Fatalf("scan saw %q, Len %d", got, tr.Len())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, New[val]())
		})
	}
}
