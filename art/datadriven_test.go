package art

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestDataDriven runs the golden files in testdata/tree. Commands (keys are
// one per input line, plain or Go-quoted, see fmtKey):
//
//	insert          insert each key; prints inserted/exists
//	delete          CompareAndDelete each key with its current value; prints deleted/absent
//	get             prints found/absent for each key
//	fill prefix=P n=N
//	                insert P followed by each byte 0..N-1 (no output but the count)
//	drain prefix=P n=N
//	                delete P followed by each byte 0..N-1
//	scan [limit=N]  Scan from the key on the single input line (none: from the start)
//	scan-prefix [limit=N]
//	                ScanPrefix of the key on the single input line
//	dump            the node structure
//
// Every command also validates the tree. Regenerate with -rewrite.
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata/tree", func(t *testing.T, path string) {
		tr := New[val]()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			out := runCommand(t, tr, d)
			if _, _, err := validate(tr); err != nil {
				t.Fatalf("%s: invalid tree: %v\n%s", d.Pos, err, dump(tr))
			}
			return out
		})
	})
}

func runCommand(t *testing.T, tr *Tree[val], d *datadriven.TestData) string {
	var b strings.Builder
	keys := func() [][]byte {
		var ks [][]byte
		for _, line := range strings.Split(d.Input, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			k, err := parseKey(line)
			if err != nil {
				d.Fatalf(t, "bad key %q: %v", line, err)
			}
			ks = append(ks, k)
		}
		return ks
	}
	switch d.Cmd {
	case "insert":
		for _, k := range keys() {
			_, ins := tr.GetOrInsert(k, func() *val { return &val{key: string(k)} })
			fmt.Fprintf(&b, "%s: %s\n", fmtKey(k), map[bool]string{true: "inserted", false: "exists"}[ins])
		}
	case "delete":
		for _, k := range keys() {
			ok := tr.CompareAndDelete(k, tr.Get(k))
			fmt.Fprintf(&b, "%s: %s\n", fmtKey(k), map[bool]string{true: "deleted", false: "absent"}[ok])
		}
	case "get":
		for _, k := range keys() {
			v := tr.Get(k)
			if v != nil && v.key != string(k) {
				d.Fatalf(t, "Get(%s) returned the value of %s", fmtKey(k), fmtKey(v.key))
			}
			fmt.Fprintf(&b, "%s: %s\n", fmtKey(k), map[bool]string{true: "found", false: "absent"}[v != nil])
		}
	case "fill", "drain":
		var prefix string
		var n int
		d.ScanArgs(t, "prefix", &prefix)
		d.ScanArgs(t, "n", &n)
		changed := 0
		for c := range n {
			k := append([]byte(prefix), byte(c))
			if d.Cmd == "fill" {
				if _, ins := tr.GetOrInsert(k, func() *val { return &val{key: string(k)} }); ins {
					changed++
				}
			} else if tr.CompareAndDelete(k, tr.Get(k)) {
				changed++
			}
		}
		fmt.Fprintf(&b, "%d keys changed, len %d\n", changed, tr.Len())
	case "scan", "scan-prefix":
		limit := -1
		d.MaybeScanArgs(t, "limit", &limit)
		var arg []byte
		if ks := keys(); len(ks) > 0 {
			arg = ks[0]
		}
		scan := tr.Scan
		if d.Cmd == "scan-prefix" {
			scan = tr.ScanPrefix
		}
		n := 0
		scan(arg, func(k []byte, v *val) bool {
			if v.key != string(k) {
				d.Fatalf(t, "%s yielded %s with the value of %s", d.Cmd, fmtKey(k), fmtKey(v.key))
			}
			fmt.Fprintf(&b, "%s\n", fmtKey(k))
			n++
			return limit < 0 || n < limit
		})
		if n == 0 {
			b.WriteString("(none)\n")
		}
	case "dump":
		b.WriteString(dump(tr))
	default:
		d.Fatalf(t, "unknown command %q", d.Cmd)
	}
	return b.String()
}
