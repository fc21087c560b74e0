package jsondoc

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSplitKeyPath(t *testing.T) {
	for _, tc := range []struct {
		arg, key string
		path     []string
		err      error
	}{
		{"user:1", "user:1", nil, nil},
		{"user:1.name", "user:1", []string{"name"}, nil},
		{"u:1.tags.1", "u:1", []string{"tags", "1"}, nil},
		{"idx_maint:1.city", "idx_maint:1", []string{"city"}, nil},
		{"k.", "k", nil, nil},
		{"k..", "k", nil, nil},
		{"k.a.", "k", []string{"a", ""}, nil},
		{"k...a", "k", []string{"", "", "a"}, nil},
		{".a", "", nil, ErrMissingKey},
		{".", "", nil, ErrMissingKey},
		{"", "", nil, ErrMissingKey},
	} {
		key, path, err := SplitKeyPath(tc.arg)
		if key != tc.key || !slices.Equal(path, tc.path) || !errors.Is(err, tc.err) {
			t.Errorf("SplitKeyPath(%q) = %q, %q, %v; want %q, %q, %v", tc.arg, key, path, err, tc.key, tc.path, tc.err)
		}
	}
	if _, _, err := SplitKeyPath(".x"); err.Error() != "Invalid path: missing key" {
		t.Errorf("error text %q", err)
	}
}

const userDoc = `{"address":{"city":"Paris"},"age":30,"name":"Alice","tags":["a","b","c"]}`

func TestSet(t *testing.T) {
	for _, tc := range []struct {
		name   string
		doc    string
		exists bool
		path   string
		val    string
		want   string
		err    error
	}{
		{"missing key starts from {}", "", false, "a", `1`, `{"a":1}`, nil},
		{"missing key whole doc", "", false, "", `"abc"`, `"abc"`, nil},
		{"missing key nested", "", false, "a.b.c", `[1]`, `{"a":{"b":{"c":[1]}}}`, nil},
		{"missing key ignores doc", `{"x":1}`, false, "a", `1`, `{"a":1}`, nil},
		{"whole doc", userDoc, true, "", `5`, `5`, nil},
		{"whole doc dot", userDoc, true, ".", `{"a":1}`, `{"a":1}`, nil},
		{"replace member", userDoc, true, "age", `31`, `{"address":{"city":"Paris"},"age":31,"name":"Alice","tags":["a","b","c"]}`, nil},
		{"replace first", userDoc, true, "address", `null`, `{"address":null,"age":30,"name":"Alice","tags":["a","b","c"]}`, nil},
		{"replace last", userDoc, true, "tags", `[]`, `{"address":{"city":"Paris"},"age":30,"name":"Alice","tags":[]}`, nil},
		{"replace nested", userDoc, true, "address.city", `"Lyon"`, `{"address":{"city":"Lyon"},"age":30,"name":"Alice","tags":["a","b","c"]}`, nil},
		{"insert nested", userDoc, true, "address.zip", `"75001"`, `{"address":{"city":"Paris","zip":"75001"},"age":30,"name":"Alice","tags":["a","b","c"]}`, nil},
		{"insert nested before", userDoc, true, "address.a", `1`, `{"address":{"a":1,"city":"Paris"},"age":30,"name":"Alice","tags":["a","b","c"]}`, nil},
		{"insert front", userDoc, true, "Z", `1`, `{"Z":1,"address":{"city":"Paris"},"age":30,"name":"Alice","tags":["a","b","c"]}`, nil},
		{"insert middle", userDoc, true, "b", `true`, `{"address":{"city":"Paris"},"age":30,"b":true,"name":"Alice","tags":["a","b","c"]}`, nil},
		{"insert end", userDoc, true, "zz", `{}`, `{"address":{"city":"Paris"},"age":30,"name":"Alice","tags":["a","b","c"],"zz":{}}`, nil},
		{"insert into empty", `{}`, true, "a", `1`, `{"a":1}`, nil},
		{"insert creates path", `{"a":1}`, true, "b.c.d", `2`, `{"a":1,"b":{"c":{"d":2}}}`, nil},
		{"spec b empty", `{"a":1,"d":3}`, true, "b", `{}`, `{"a":1,"b":{},"d":3}`, nil},
		{"array element", userDoc, true, "tags.1", `"B"`, `{"address":{"city":"Paris"},"age":30,"name":"Alice","tags":["a","B","c"]}`, nil},
		{"array first element", userDoc, true, "tags.0", `0`, `{"address":{"city":"Paris"},"age":30,"name":"Alice","tags":[0,"b","c"]}`, nil},
		{"array element in object", `{"a":[{"x":1},{"y":2}]}`, true, "a.1.z", `3`, `{"a":[{"x":1},{"y":2,"z":3}]}`, nil},
		{"root array", `[1,2]`, true, "1", `5`, `[1,5]`, nil},
		{"escaped name", `{"a":1}`, true, "q\"\n", `1`, `{"a":1,"q\"\n":1}`, nil},
		{"escaped key order", `{"\n":1,"a":2}`, true, "!", `3`, `{"\n":1,"!":3,"a":2}`, nil},
		{"empty segment", `{"a":1}`, true, "a", `{"":1}`, `{"a":{"":1}}`, nil},

		// SPEC §3.2: the path crosses something that is not an object.
		{"array index past end", userDoc, true, "tags.7", `1`, "", ErrPathNotObject},
		{"array non-index", userDoc, true, "tags.x", `1`, "", ErrPathNotObject},
		{"array empty", `{"t":[]}`, true, "t.0", `1`, "", ErrPathNotObject},
		{"number member", userDoc, true, "age.x", `1`, "", ErrPathNotObject},
		{"string member", userDoc, true, "name.x.y", `1`, "", ErrPathNotObject},
		{"array element scalar", userDoc, true, "tags.0.x", `1`, "", ErrPathNotObject},
		{"null member", `{"a":null}`, true, "a.b", `1`, "", ErrPathNotObject},
		{"bare document", `"abc"`, true, "a", `1`, "", ErrPathNotObject},

		{"too deep", `{}`, true, strings.Repeat("a.", 512) + "a", `1`, "", ErrTooDeep},
		{"too deep through array", `{"a":[{}]}`, true, "a.0." + strings.Repeat("a.", 510) + "a", `1`, "", ErrTooDeep},
		{"too deep value", `{}`, true, "a", strings.Repeat("[", 512) + strings.Repeat("]", 512), "", ErrTooDeep},
		{"deep enough", `{}`, true, "a", strings.Repeat("[", 511) + strings.Repeat("]", 511), `{"a":` + strings.Repeat("[", 511) + strings.Repeat("]", 511) + `}`, nil},
		{"deep enough path", `{}`, true, strings.Repeat("a.", 511) + "a", `1`, strings.Repeat(`{"a":`, 512) + "1" + strings.Repeat("}", 512), nil},
		{"malformed doc", `{"a":1`, true, "b", `1`, "", ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Set(tc.doc, tc.exists, SplitPath(tc.path), tc.val)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("Set(%q, %q, %q) = %q, %v; want %q, %v", tc.doc, tc.path, tc.val, got, err, tc.want, tc.err)
			}
			if err != nil {
				return
			}
			if norm, err := Normalize([]byte(got)); err != nil || norm != got {
				t.Fatalf("result %q is not canonical (%q, %v)", got, norm, err)
			}
			if back, ok := Get(got, SplitPath(tc.path)); !ok || back != tc.val {
				t.Fatalf("Get after Set = %q, %v; want %q", back, ok, tc.val)
			}
		})
	}
	if _, err := Set(userDoc, true, []string{"tags", "7"}, "1"); err.Error() != "Path creation failed: part is not an object" {
		t.Errorf("error text %q", err)
	}
}

func TestDelete(t *testing.T) {
	for _, tc := range []struct {
		name, doc, path, want string
		ok                    bool
	}{
		{"first member", userDoc, "address", `{"age":30,"name":"Alice","tags":["a","b","c"]}`, true},
		{"middle member", userDoc, "age", `{"address":{"city":"Paris"},"name":"Alice","tags":["a","b","c"]}`, true},
		{"last member", userDoc, "tags", `{"address":{"city":"Paris"},"age":30,"name":"Alice"}`, true},
		{"only member", `{"a":1}`, "a", `{}`, true},
		{"nested only member", userDoc, "address.city", `{"address":{},"age":30,"name":"Alice","tags":["a","b","c"]}`, true},
		{"through array", `{"a":[{"x":1,"y":2}]}`, "a.0.y", `{"a":[{"x":1}]}`, true},
		{"escaped name", `{"a\"":1,"b":2}`, "a\"", `{"b":2}`, true},
		{"missing member", userDoc, "zzz", userDoc, false},
		{"missing nested", userDoc, "address.zip", userDoc, false},
		{"missing parent", userDoc, "nope.x", userDoc, false},
		{"array element", userDoc, "tags.1", userDoc, false},
		{"member of number", userDoc, "age.x", userDoc, false},
		{"whole document", userDoc, "", userDoc, false},
		{"empty object", `{}`, "a", `{}`, false},
		{"bare string", `"a"`, "a", `"a"`, false},
		{"malformed", `{"a":1`, "a", `{"a":1`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Delete(tc.doc, SplitPath(tc.path))
			if got != tc.want || ok != tc.ok {
				t.Fatalf("Delete(%q, %q) = %q, %v; want %q, %v", tc.doc, tc.path, got, ok, tc.want, tc.ok)
			}
			if ok {
				if norm, err := Normalize([]byte(got)); err != nil || norm != got {
					t.Fatalf("result %q is not canonical", got)
				}
			}
		})
	}
}

// TestSetScenario replays the JSON.SET / JSON.GET / JSON.DEL examples of SPEC §2.2-§3.4
// as a key would see them.
func TestSetScenario(t *testing.T) {
	doc, exists := "", false
	set := func(arg, val string) error {
		t.Helper()
		_, path, err := SplitKeyPath(arg)
		if err != nil {
			return err
		}
		v, err := Normalize([]byte(val))
		if err != nil {
			return err
		}
		nd, err := Set(doc, exists, path, v)
		if err == nil {
			doc, exists = nd, true
		}
		return err
	}
	get := func(arg string) (string, bool) {
		_, path, _ := SplitKeyPath(arg)
		return Get(doc, path)
	}
	if err := set("u:1", `{"name": "Alice", "tags": ["x","y"], "age": 30}`); err != nil {
		t.Fatal(err)
	}
	if got, _ := get("u:1"); got != `{"age":30,"name":"Alice","tags":["x","y"]}` {
		t.Fatalf("doc = %s", got)
	}
	if got, ok := get("u:1.tags.1"); got != `"y"` || !ok {
		t.Fatalf("tags.1 = %s", got)
	}
	raw, _ := get("u:1.name")
	if s, ok := Unquote(raw); s != "Alice" || !ok {
		t.Fatalf("name = %q", s)
	}
	if err := set("u:1.tags.7", `1`); !errors.Is(err, ErrPathNotObject) {
		t.Fatalf("tags.7: %v", err)
	}
	if err := set("u:1.age.x", `1`); !errors.Is(err, ErrPathNotObject) {
		t.Fatalf("age.x: %v", err)
	}
	if err := set("u:1.address.city", ` "Paris" `); err != nil {
		t.Fatal(err)
	}
	if err := set("u:1.x", `{bad}`); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad value: %v", err)
	}
	want := `{"address":{"city":"Paris"},"age":30,"name":"Alice","tags":["x","y"]}`
	if doc != want {
		t.Fatalf("doc = %s, want %s", doc, want)
	}
	if _, ok := Delete(doc, []string{"tags", "0"}); ok {
		t.Fatal("deleted an array element")
	}
	nd, ok := Delete(doc, []string{"age"})
	if !ok || nd != `{"address":{"city":"Paris"},"name":"Alice","tags":["x","y"]}` {
		t.Fatalf("Delete age = %s, %v", nd, ok)
	}
}

// TestInvalidUTF8Names: a path segment that is not valid UTF-8 names the member whose key
// has U+FFFD for each bad byte, which is how Quote writes it, so Set, Get, Delete and
// Value.Member all agree.
func TestInvalidUTF8Names(t *testing.T) {
	doc, err := Set(`{}`, true, []string{"a\xff\xffb"}, `1`)
	if err != nil || doc != "{\"a\uFFFD\uFFFDb\":1}" {
		t.Fatalf("Set = %q, %v", doc, err)
	}
	for _, name := range []string{"a\xff\xffb", "a\uFFFD\uFFFDb", "a\xfe\xc3b"} {
		if raw, ok := Lookup(doc, name); raw != "1" || !ok {
			t.Errorf("Lookup(%q) = %q, %v", name, raw, ok)
		}
		v, _ := Parse(doc)
		if m, ok := v.Member(name); !ok || !Equal(m, Int(1)) {
			t.Errorf("Member(%q) = %v, %v", name, m, ok)
		}
	}
	if _, ok := Lookup(doc, "a\xffb"); ok {
		t.Error("one bad byte matched two replacement characters")
	}
	if got, ok := Delete(doc, []string{"a\xff\xffb"}); got != "{}" || !ok {
		t.Errorf("Delete = %q, %v", got, ok)
	}
}
