package driver

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDocsGoExample runs the Go example of docs/embedding.md as a program of its own
// (a temporary module that replaces github.com/memflux/memflux with this repository)
// and compares its output with the one the document shows.
func TestDocsGoExample(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(wd)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "embedding.md"))
	if err != nil {
		t.Fatal(err)
	}
	src := fencedBlock(t, doc, "go", "// example.go")
	want := fencedBlock(t, doc, "text", "$ go run example.go\n")

	dir := t.TempDir()
	gomod := "module example\n\ngo 1.26\n\nrequire github.com/memflux/memflux v0.0.0\n\n" +
		"replace github.com/memflux/memflux => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "example.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	// Everything the example needs is in the module cache already: stay offline.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	if got := append([]byte("$ go run example.go\n"), out...); !bytes.Equal(got, want) {
		t.Errorf("output:\n%s\nthe doc shows:\n%s", got, want)
	}
}

// fencedBlock returns the body of the first ```lang block of doc that starts with marker.
func fencedBlock(t *testing.T, doc []byte, lang, marker string) []byte {
	t.Helper()
	for _, block := range bytes.Split(doc, []byte("```"+lang+"\n"))[1:] {
		body, _, ok := bytes.Cut(block, []byte("```"))
		if ok && bytes.HasPrefix(body, []byte(marker)) {
			return body
		}
	}
	t.Fatalf("no ```%s block starting with %q", lang, marker)
	return nil
}
