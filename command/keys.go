package command

import (
	"bytes"
	"strconv"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// Commands on keys of any type.
func init() {
	register(
		Spec{Name: "DELETE", Flags: flagWrite | flagSnapshot, Run: cmdDelete, Summary: "Delete keys; returns how many existed."},
		Spec{Name: "DEL", Flags: flagWrite | flagSnapshot, Run: cmdDelete, Summary: "Alias of DELETE."},
		Spec{Name: "EXISTS", Flags: flagSnapshot, Run: cmdExists, Summary: "Count how many of the keys exist."},
		Spec{Name: "TYPE", Run: cmdType, Summary: "Type of the value at a key."},
		Spec{Name: "RENAME", Flags: flagWrite | flagSnapshot, Run: cmdRename, Summary: "Rename a key, overwriting the destination."},
		Spec{Name: "RENAMENX", Flags: flagWrite | flagSnapshot, Run: cmdRename, Summary: "Rename a key if the destination does not exist."},
		Spec{Name: "KEYS", Flags: flagSnapshot, Run: cmdKeys, Summary: "All keys matching a glob pattern."},
		Spec{Name: "SCAN", Flags: flagSnapshot, Run: cmdScan, Summary: "Iterate keys incrementally: SCAN cursor [MATCH p] [COUNT n] [TYPE t]."},
		Spec{Name: "DBSIZE", Flags: flagNoTxn, Run: cmdDBSize, Summary: "Number of keys."},
	)
}

func cmdDelete(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, arity("DELETE requires at least one argument")
	}
	n := 0
	for _, k := range c.Args[1:] {
		if c.del(k) {
			n++
		}
	}
	return Int(int64(n)), nil
}

func cmdExists(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, redisArity(c.Name)
	}
	n := 0
	for _, k := range c.Args[1:] {
		if c.get(k).Exists() {
			n++
		}
	}
	return Int(int64(n)), nil
}

// typeName is the TYPE reply for a value kind. JSON documents report RedisJSON's type name
// so that Redis tools recognise them.
func typeName(k value.Kind) string {
	switch k {
	case value.KindBytes:
		return "string"
	case value.KindJSON:
		return "ReJSON-RL"
	case value.KindList:
		return "list"
	case value.KindSet:
		return "set"
	}
	return "none"
}

func cmdType(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, redisArity(c.Name)
	}
	return Simple(typeName(c.get(c.Args[1]).Kind())), nil
}

func cmdRename(c *Call) (Reply, error) {
	if len(c.Args) != 3 {
		return Reply{}, redisArity(c.Name)
	}
	src, dst := c.Args[1], c.Args[2]
	v := c.get(src)
	if !v.Exists() {
		return Reply{}, newError(ErrInvalid, "no such key")
	}
	if c.Name == "RENAMENX" {
		if c.get(dst).Exists() {
			return Int(0), nil
		}
	}
	if !bytes.Equal(src, dst) {
		c.del(src)
		c.put(dst, v)
	}
	if c.Name == "RENAMENX" {
		return Int(1), nil
	}
	return OK(), nil
}

func cmdKeys(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("KEYS requires one argument")
	}
	pat := c.Args[1]
	prefix := literalPrefix(pat)
	var out []Reply
	c.Tx.ScanPrefix(mvcc.Data, prefix, func(k []byte, _ value.Value) bool {
		if GlobMatch(pat, k) {
			out = append(out, BulkBytes(k))
		}
		return true
	})
	if out == nil {
		out = []Reply{}
	}
	return Array(out), nil
}

// literalPrefix returns the bytes every key matching the glob must start with.
func literalPrefix(p []byte) []byte {
	for i, b := range p {
		switch b {
		case '*', '?', '[', '\\':
			return p[:i]
		}
	}
	return p
}

// scanArgs are the arguments of SCAN cursor [MATCH p] [COUNT n] [TYPE t].
type scanArgs struct {
	from  []byte // the key to resume at; nil for cursor 0
	match []byte // nil: every key
	count int    // keys to visit
	typ   string // lowercase TYPE name; "": every type
}

// parseScan parses the arguments of SCAN and resolves its cursor.
func parseScan(c *Call) (scanArgs, error) {
	a := scanArgs{count: 10}
	if len(c.Args) < 2 {
		return a, redisArity(c.Name)
	}
	cursor, err := strconv.ParseUint(string(c.Args[1]), 10, 64)
	if err != nil {
		return a, newError(ErrInvalid, "invalid cursor")
	}
	for i := 2; i < len(c.Args); i += 2 {
		if i+1 >= len(c.Args) {
			return a, errSyntax
		}
		switch lower(string(c.Args[i])) {
		case "match":
			a.match = c.Args[i+1]
		case "count":
			n, ok := parseInt(c.Args[i+1])
			if !ok || n < 1 {
				return a, errSyntax
			}
			a.count = int(min(n, 1<<20))
		case "type":
			a.typ = lower(string(c.Args[i+1]))
		default:
			return a, errSyntax
		}
	}
	if cursor != 0 {
		var ok bool
		if a.from, ok = c.env.cursors.get(cursor); !ok {
			return a, newError(ErrInvalid, "invalid cursor")
		}
	}
	return a, nil
}

func cmdScan(c *Call) (Reply, error) {
	a, err := parseScan(c)
	if err != nil {
		return Reply{}, err
	}
	var keys []Reply
	var next []byte
	seen := 0
	c.Tx.ScanRange(mvcc.Data, a.from, nil, func(k []byte, v value.Value) bool {
		if seen == a.count {
			next = bytes.Clone(k)
			return false
		}
		seen++
		if a.match != nil && !GlobMatch(a.match, k) {
			return true
		}
		if a.typ != "" && lower(typeName(v.Kind())) != a.typ {
			return true
		}
		keys = append(keys, BulkBytes(k))
		return true
	})
	if keys == nil {
		keys = []Reply{}
	}
	nextCursor := uint64(0)
	if next != nil {
		nextCursor = c.env.cursors.put(next)
	}
	return Array([]Reply{Bulk(strconv.FormatUint(nextCursor, 10)), Array(keys)}), nil
}

func cmdDBSize(c *Call) (Reply, error) {
	if len(c.Args) != 1 {
		return Reply{}, redisArity(c.Name)
	}
	return Int(c.env.Txns.Store().Live()), nil
}
