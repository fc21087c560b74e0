package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// These tests build the real shared library with -buildmode=c-shared and use it from C
// (include/memflux.h), from Python (libs/python) and through the examples of
// docs/embedding.md.

var long = flag.Bool("long", false, "run the concurrency tests for longer")

// libDir holds libmemflux.so and libmemflux.h, built once (buildOnce) per test binary.
var (
	libDir    string
	buildOnce sync.Once
	buildErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "memflux-ffi-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	libDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// library builds libmemflux.so into libDir once per test binary and returns its path.
func library(t *testing.T) string {
	t.Helper()
	so := filepath.Join(libDir, "libmemflux.so")
	buildOnce.Do(func() {
		cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", so, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build -buildmode=c-shared: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return so
}

// repoRoot is the repository root (ffi's parent directory).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// compileC compiles C source files against include/memflux.h and the library.
func compileC(t *testing.T, out string, sources ...string) {
	t.Helper()
	so := library(t)
	args := []string{"-std=c11", "-Wall", "-Wextra", "-Werror", "-pthread",
		"-I", filepath.Join(repoRoot(t), "include"), "-o", out}
	args = append(args, sources...)
	args = append(args, "-L", filepath.Dir(so), "-lmemflux", "-Wl,-rpath,"+filepath.Dir(so))
	if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("cc %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// runLogged runs cmd, logs its output, and fails the test if it fails.
func runLogged(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	out, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", strings.Join(cmd.Args, " "), out)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Args[0], err)
	}
	return string(out)
}

// TestCABI compiles testdata/abi_test.c with cc and runs it: open, exec of every
// response type, exec_argv, free, close, reopen, handles, threads. When valgrind is
// installed the run is under valgrind --leak-check=full, which must report no error and
// no definite leak (testdata/go-runtime.supp explains the Go runtime suppressions).
func TestCABI(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "abi_test")
	compileC(t, bin, filepath.Join("testdata", "abi_test.c"))
	data := t.TempDir()
	cmd := exec.Command(bin, data)
	if vg, err := exec.LookPath("valgrind"); err == nil {
		cmd = exec.Command(vg, "--leak-check=full", "--error-exitcode=1",
			"--errors-for-leak-kinds=definite,possible",
			"--suppressions="+filepath.Join("testdata", "go-runtime.supp"), bin, data)
	} else {
		t.Log("valgrind not installed: running without it")
	}
	out := runLogged(t, cmd)
	if !strings.Contains(out, "abi_test: all checks passed") {
		t.Fatal("abi_test did not report success")
	}
	if strings.Contains(cmd.Path, "valgrind") && !strings.Contains(out, "definitely lost: 0 bytes") &&
		!strings.Contains(out, "All heap blocks were freed") {
		t.Error("valgrind did not report a clean leak summary")
	}
}

// TestCHelpers builds helpers.c without Go (testdata/stub stands in for the generated
// _cgo_export.h) and runs testdata/helpers_test.c under valgrind, when installed, with no
// suppression: the C code that allocates and frees every response buffer and the
// last-error strings must be free of memory errors and leaks.
func TestCHelpers(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "helpers_test")
	args := []string{"-std=c11", "-Wall", "-Wextra", "-Werror", "-pthread",
		"-I", filepath.Join(repoRoot(t), "include"), "-I", filepath.Join("testdata", "stub"),
		"-o", bin, "helpers.c", filepath.Join("testdata", "helpers_test.c")}
	if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	if vg, err := exec.LookPath("valgrind"); err == nil {
		cmd = exec.Command(vg, "--leak-check=full", "--show-leak-kinds=all", "--errors-for-leak-kinds=all",
			"--error-exitcode=1", bin)
	}
	out := runLogged(t, cmd)
	if !strings.Contains(out, "helpers_test: all checks passed") {
		t.Fatal("helpers_test did not report success")
	}
	if strings.Contains(cmd.Path, "valgrind") && !strings.Contains(out, "All heap blocks were freed") {
		t.Error("valgrind found blocks still allocated at exit")
	}
}

// TestHeaderMatchesGenerated compares the declarations of the header cgo generates
// (libmemflux.h) with the hand-written include/memflux.h: the same functions with the
// same parameter and return types (const qualifiers aside: cgo cannot emit them), the
// same FFIResponse fields and the same enum.
func TestHeaderMatchesGenerated(t *testing.T) {
	library(t)
	gen, err := os.ReadFile(filepath.Join(libDir, "libmemflux.h"))
	if err != nil {
		t.Fatal(err)
	}
	hand, err := os.ReadFile(filepath.Join(repoRoot(t), "include", "memflux.h"))
	if err != nil {
		t.Fatal(err)
	}
	g, h := declarations(string(gen)), declarations(string(hand))
	if len(h) < 10 {
		t.Fatalf("found only %d declarations in include/memflux.h: %q", len(h), h)
	}
	for name, decl := range h {
		if got, ok := g[name]; !ok {
			t.Errorf("%s is declared in include/memflux.h but not generated", name)
		} else if got != decl {
			t.Errorf("%s differs:\n generated: %s\n    header: %s", name, got, decl)
		}
	}
	for name := range g {
		if strings.HasPrefix(name, "memflux_") {
			if _, ok := h[name]; !ok {
				t.Errorf("exported %s is missing from include/memflux.h", name)
			}
		}
	}
}

var (
	cComment = regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`)
	cToken   = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*|[0-9]+|\S`)
	cFunc    = regexp.MustCompile(`(?m)^(?:extern\s+)?[A-Za-z_][\w\s\*]*?\b(memflux_\w+)\s*\([^;]*\)\s*;`)
	cStruct  = regexp.MustCompile(`typedef\s+struct\s*\{([^{}]*)\}\s*FFIResponse\s*;`)
	cEnum    = regexp.MustCompile(`(?s)enum\s*\{([^}]*OK\s*=\s*0[^}]*)\}`)
)

// declarations returns the normalized token strings of the memflux_* prototypes (by
// name), of the FFIResponse struct ("FFIResponse") and of the response type enum
// ("enum") in a C header.
func declarations(src string) map[string]string {
	src = cComment.ReplaceAllString(src, " ")
	out := map[string]string{}
	for _, m := range cFunc.FindAllStringSubmatch(src, -1) {
		out[m[1]] = normalize(m[0])
	}
	if m := cStruct.FindStringSubmatch(src); m != nil {
		out["FFIResponse"] = normalize(m[1])
	}
	if m := cEnum.FindStringSubmatch(src); m != nil {
		out["enum"] = normalize(m[1])
	}
	return out
}

// normalize tokenizes a declaration, dropping extern and const, and strips parameter
// names (the identifier before each , or ) of a prototype).
func normalize(decl string) string {
	toks := slices.DeleteFunc(cToken.FindAllString(decl, -1), func(s string) bool {
		return s == "extern" || s == "const"
	})
	depth := 0
	var kept []string
	for i, tok := range toks {
		switch tok {
		case "(":
			depth++
		case ")":
			depth--
		}
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		isName := depth == 1 && (next == "," || next == ")") && i > 0 && toks[i-1] != "(" &&
			regexp.MustCompile(`^[A-Za-z_]\w*$`).MatchString(tok) && tok != "void"
		if !isName {
			kept = append(kept, tok)
		}
	}
	return strings.Join(kept, " ")
}

// TestPython runs the Python package's unittest suite against the built library.
func TestPython(t *testing.T) {
	so := library(t)
	cmd := exec.Command("python3", "-m", "unittest", "discover", "-v",
		"-s", filepath.Join("memflux", "tests"), "-t", ".")
	cmd.Dir = filepath.Join(repoRoot(t), "libs", "python")
	cmd.Env = append(os.Environ(), "MEMFLUX_LIB="+so, "PYTHONDONTWRITEBYTECODE=1")
	out := runLogged(t, cmd)
	if !regexp.MustCompile(`(?m)^OK`).MatchString(out) {
		t.Fatal("unittest did not report OK")
	}
}

// docBlock returns the fenced code block of docs/embedding.md whose first line is
// marker.
func docBlock(t *testing.T, lang, marker string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "embedding.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range bytes.Split(doc, []byte("```"+lang+"\n"))[1:] {
		body, _, ok := bytes.Cut(block, []byte("```"))
		if ok && bytes.HasPrefix(body, []byte(marker)) {
			return string(body)
		}
	}
	t.Fatalf("docs/embedding.md has no %s block starting with %q", lang, marker)
	return ""
}

// TestDocsCExample compiles and runs the C example of docs/embedding.md.
func TestDocsCExample(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "example.c")
	if err := os.WriteFile(src, []byte(docBlock(t, "c", "/* example.c")), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "example")
	compileC(t, bin, src)
	cmd := exec.Command(bin)
	cmd.Dir = dir
	out := runLogged(t, cmd)
	want := docBlock(t, "text", "$ ./example\n")
	if got := "$ ./example\n" + out; got != want {
		t.Errorf("C example output:\n%s\nthe doc shows:\n%s", got, want)
	}
}

// TestDocsPythonExample runs the Python example of docs/embedding.md.
func TestDocsPythonExample(t *testing.T) {
	so := library(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "example.py")
	if err := os.WriteFile(src, []byte(docBlock(t, "python", "# example.py")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", src)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MEMFLUX_LIB="+so, "PYTHONPATH="+filepath.Join(repoRoot(t), "libs", "python"),
		"PYTHONDONTWRITEBYTECODE=1")
	out := runLogged(t, cmd)
	want := docBlock(t, "text", "$ python3 example.py\n")
	if got := "$ python3 example.py\n" + out; got != want {
		t.Errorf("Python example output:\n%s\nthe doc shows:\n%s", got, want)
	}
}
