package command

import (
	"math"
	"strconv"

	"github.com/memflux/memflux/value"
)

// Commands on byte-string keys (SPEC §2.2 and the Redis essentials of §12).
func init() {
	register(
		Spec{Name: "GET", Run: cmdGet, Summary: "Get the value of a key (bytes, or the compact JSON of a document)."},
		Spec{Name: "SET", Flags: flagWrite, Run: cmdSet, Summary: "Set a key to a byte string [NX|XX] [GET]."},
		Spec{Name: "SETNX", Flags: flagWrite, Run: cmdSetNX, Summary: "Set a key only if it does not exist."},
		Spec{Name: "GETSET", Flags: flagWrite, Run: cmdGetSet, Summary: "Set a key and return its old value."},
		Spec{Name: "GETDEL", Flags: flagWrite, Run: cmdGetDel, Summary: "Get a key's value and delete the key."},
		Spec{Name: "MGET", Flags: flagSnapshot, Run: cmdMGet, Summary: "Get the values of several keys."},
		Spec{Name: "MSET", Flags: flagWrite, Run: cmdMSet, Summary: "Set several keys at once."},
		Spec{Name: "MSETNX", Flags: flagWrite | flagSnapshot, Run: cmdMSetNX, Summary: "Set several keys only if none exists."},
		Spec{Name: "INCR", Flags: flagWrite, Run: cmdIncr, Summary: "Increment an integer by one."},
		Spec{Name: "DECR", Flags: flagWrite, Run: cmdIncr, Summary: "Decrement an integer by one."},
		Spec{Name: "INCRBY", Flags: flagWrite, Run: cmdIncr, Summary: "Increment an integer."},
		Spec{Name: "DECRBY", Flags: flagWrite, Run: cmdIncr, Summary: "Decrement an integer."},
		Spec{Name: "INCRBYFLOAT", Flags: flagWrite, Run: cmdIncrByFloat, Summary: "Increment a float."},
		Spec{Name: "APPEND", Flags: flagWrite, Run: cmdAppend, Summary: "Append to a byte string."},
		Spec{Name: "STRLEN", Run: cmdStrlen, Summary: "Length of a byte string."},
	)
}

// stringOf returns the byte string at key for the Redis string commands: Bytes as is,
// absent as ok=false; JSON, lists and sets are the wrong type.
func stringOf(v value.Value) (s string, ok bool, err error) {
	switch v.Kind() {
	case value.KindNone:
		return "", false, nil
	case value.KindBytes:
		return v.Str(), true, nil
	}
	return "", false, errWrongTypeRedis
}

// readable renders a value for GET: bytes as is, JSON as its compact text.
func readable(v value.Value) (Reply, error) {
	switch v.Kind() {
	case value.KindNone:
		return Nil(), nil
	case value.KindBytes, value.KindJSON:
		return Bulk(v.Str()), nil
	case value.KindList:
		return Reply{}, errWrongTypeList
	default:
		return Reply{}, errWrongTypeSet
	}
}

func cmdGet(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("GET requires one argument")
	}
	return readable(c.get(c.Args[1]))
}

func cmdSet(c *Call) (Reply, error) {
	if len(c.Args) < 3 {
		return Reply{}, arity("SET requires two arguments")
	}
	var nx, xx, get bool
	for _, opt := range c.Args[3:] {
		switch lower(string(opt)) {
		case "nx":
			nx = true
		case "xx":
			xx = true
		case "get":
			get = true
		default:
			return Reply{}, errSyntax
		}
	}
	if nx && xx {
		return Reply{}, errSyntax
	}
	key := c.Args[1]
	var old value.Value
	if nx || xx || get {
		old = c.get(key)
	}
	var reply Reply
	if get {
		r, err := readable(old)
		if err != nil {
			return Reply{}, errWrongTypeRedis
		}
		reply = r
	}
	if (nx && old.Exists()) || (xx && !old.Exists()) {
		if get {
			return reply, nil
		}
		return Nil(), nil
	}
	c.put(key, value.Bytes(string(c.Args[2])))
	if get {
		return reply, nil
	}
	return OK(), nil
}

func cmdSetNX(c *Call) (Reply, error) {
	if len(c.Args) != 3 {
		return Reply{}, redisArity(c.Name)
	}
	if c.get(c.Args[1]).Exists() {
		return Int(0), nil
	}
	c.put(c.Args[1], value.Bytes(string(c.Args[2])))
	return Int(1), nil
}

func cmdGetSet(c *Call) (Reply, error) {
	if len(c.Args) != 3 {
		return Reply{}, redisArity(c.Name)
	}
	s, ok, err := stringOf(c.get(c.Args[1]))
	if err != nil {
		return Reply{}, err
	}
	c.put(c.Args[1], value.Bytes(string(c.Args[2])))
	if !ok {
		return Nil(), nil
	}
	return Bulk(s), nil
}

func cmdGetDel(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, redisArity(c.Name)
	}
	s, ok, err := stringOf(c.get(c.Args[1]))
	if err != nil {
		return Reply{}, err
	}
	if !ok {
		return Nil(), nil
	}
	c.del(c.Args[1])
	return Bulk(s), nil
}

func cmdMGet(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, redisArity(c.Name)
	}
	out := make([]Reply, len(c.Args)-1)
	for i, k := range c.Args[1:] {
		if s, ok, _ := stringOf(c.get(k)); ok {
			out[i] = Bulk(s)
		} else {
			out[i] = Nil()
		}
	}
	return Array(out), nil
}

func cmdMSet(c *Call) (Reply, error) {
	if len(c.Args) < 3 || len(c.Args)%2 == 0 {
		return Reply{}, redisArity(c.Name)
	}
	for i := 1; i < len(c.Args); i += 2 {
		c.put(c.Args[i], value.Bytes(string(c.Args[i+1])))
	}
	return OK(), nil
}

func cmdMSetNX(c *Call) (Reply, error) {
	if len(c.Args) < 3 || len(c.Args)%2 == 0 {
		return Reply{}, redisArity(c.Name)
	}
	for i := 1; i < len(c.Args); i += 2 {
		if c.get(c.Args[i]).Exists() {
			return Int(0), nil
		}
	}
	for i := 1; i < len(c.Args); i += 2 {
		c.put(c.Args[i], value.Bytes(string(c.Args[i+1])))
	}
	return Int(1), nil
}

func cmdIncr(c *Call) (Reply, error) {
	var delta int64 = 1
	switch c.Name {
	case "INCR", "DECR":
		if len(c.Args) != 2 {
			return Reply{}, redisArity(c.Name)
		}
	default:
		if len(c.Args) != 3 {
			return Reply{}, redisArity(c.Name)
		}
		d, ok := parseInt(c.Args[2])
		if !ok {
			return Reply{}, errNotInteger
		}
		delta = d
	}
	if c.Name == "DECR" || c.Name == "DECRBY" {
		if delta == math.MinInt64 {
			return Reply{}, newError(ErrInvalid, "decrement would overflow")
		}
		delta = -delta
	}
	s, ok, err := stringOf(c.get(c.Args[1]))
	if err != nil {
		return Reply{}, err
	}
	var n int64
	if ok {
		if n, ok = parseInt([]byte(s)); !ok {
			return Reply{}, errNotInteger
		}
	}
	if (delta > 0 && n > math.MaxInt64-delta) || (delta < 0 && n < math.MinInt64-delta) {
		return Reply{}, newError(ErrInvalid, "increment or decrement would overflow")
	}
	n += delta
	c.put(c.Args[1], value.Bytes(strconv.FormatInt(n, 10)))
	return Int(n), nil
}

func cmdIncrByFloat(c *Call) (Reply, error) {
	if len(c.Args) != 3 {
		return Reply{}, redisArity(c.Name)
	}
	errFloat := newError(ErrInvalid, "value is not a valid float")
	d, err := strconv.ParseFloat(string(c.Args[2]), 64)
	if err != nil || math.IsNaN(d) || math.IsInf(d, 0) {
		return Reply{}, errFloat
	}
	s, ok, err := stringOf(c.get(c.Args[1]))
	if err != nil {
		return Reply{}, err
	}
	var f float64
	if ok {
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			return Reply{}, errFloat
		}
	}
	f += d
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Reply{}, newError(ErrInvalid, "increment would produce NaN or Infinity")
	}
	out := strconv.FormatFloat(f, 'f', -1, 64)
	c.put(c.Args[1], value.Bytes(out))
	return Bulk(out), nil
}

func cmdAppend(c *Call) (Reply, error) {
	if len(c.Args) != 3 {
		return Reply{}, redisArity(c.Name)
	}
	s, _, err := stringOf(c.get(c.Args[1]))
	if err != nil {
		return Reply{}, err
	}
	s += string(c.Args[2])
	c.put(c.Args[1], value.Bytes(s))
	return Int(int64(len(s))), nil
}

func cmdStrlen(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, redisArity(c.Name)
	}
	s, _, err := stringOf(c.get(c.Args[1]))
	if err != nil {
		return Reply{}, err
	}
	return Int(int64(len(s))), nil
}
