package lint

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/memflux/memflux"

// layers ranks every package of the module, bottom first (DESIGN.md "Layers"): a package
// may import packages of its own rank or below, never above. Packages are matched by the
// longest listed prefix of their path relative to the module.
var layers = map[string]int{
	"art":            0,
	"jsondoc":        0,
	"value":          0,
	"internal":       0,
	"mvcc":           1,
	"txn":            2,
	"wal":            3,
	"snapshot":       3,
	"evict":          3,
	"index":          4,
	"sql":            5,
	"command":        6,
	"":               7, // the root package memflux
	"driver":         8,
	"server":         8,
	"ffi":            9,
	"cmd":            9,
	"bench":          9,
	"internal/lint":  9,
	"internal/tests": 9,
}

func rank(t *testing.T, pkg string) int {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	best, bestLen := -1, -1
	for prefix, r := range layers {
		if (rel == prefix || strings.HasPrefix(rel, prefix+"/") || prefix == "") && len(prefix) > bestLen {
			best, bestLen = r, len(prefix)
		}
	}
	if rel == "" {
		return layers[""]
	}
	if bestLen <= 0 {
		t.Errorf("package %s has no layer: add it to layers in internal/lint", pkg)
	}
	return best
}

// TestLayering fails when a package imports one from a higher layer.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		pkg := fields[0]
		r := rank(t, pkg)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if ri := rank(t, imp); ri > r {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point down the layers of DESIGN.md", pkg, r, imp, ri)
			}
		}
	}
}
