package command

import (
	"strconv"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// get returns the value of a user key as the call's transaction sees it.
func (c *Call) get(key []byte) value.Value { return c.Tx.Get(mvcc.Data, key) }

// put buffers a write of a user key (the zero Value deletes it).
func (c *Call) put(key []byte, v value.Value) { c.Tx.Put(mvcc.Data, key, v) }

// del deletes a user key and reports whether it existed.
func (c *Call) del(key []byte) bool { return c.Tx.Delete(mvcc.Data, key) }

// str returns argument i as a string.
func (c *Call) str(i int) string { return string(c.Args[i]) }

// lower returns s with the ASCII letters lowercased (other bytes are kept, unlike
// strings.ToLower, which would rewrite invalid UTF-8).
func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// parseInt parses a whole argument as a base-10 int64 the way Redis does (no spaces, no
// plus sign, no leading zeros except "0").
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if b[0] == '+' || (len(b) > 1 && b[0] == '0') || (len(b) > 2 && b[0] == '-' && b[1] == '0') {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// listOf returns the list stored at key (nil when absent) or the given type error.
func listOf(v value.Value, wrong *Error) (*value.List, error) {
	switch v.Kind() {
	case value.KindNone:
		return nil, nil
	case value.KindList:
		return v.List(), nil
	}
	return nil, wrong
}

// setOf returns the set stored at key (nil when absent) or the given type error.
func setOf(v value.Value, wrong *Error) (*value.Set, error) {
	switch v.Kind() {
	case value.KindNone:
		return nil, nil
	case value.KindSet:
		return v.Set(), nil
	}
	return nil, wrong
}
