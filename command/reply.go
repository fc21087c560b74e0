package command

import (
	"math"
	"strconv"

	"github.com/memflux/memflux/internal/resp"
	"github.com/memflux/memflux/jsondoc"
)

// Kind is the type of a Reply (a plain value). Every front door encodes each kind once:
// RESP2/RESP3 in package server, FFIResponse in package ffi, Go values in the root package.
type Kind uint8

const (
	// KindOK is success without payload (`+OK`).
	KindOK Kind = iota
	// KindSimple is a status line (`+PONG`).
	KindSimple
	// KindBulk is a binary-safe string.
	KindBulk
	// KindNil is the absent value (`$-1`, RESP3 `_`).
	KindNil
	// KindInt is a signed integer.
	KindInt
	// KindArray is an ordered list of replies.
	KindArray
	// KindMap is a RESP3 map (alternating keys and values in Elems); RESP2 sends it as a
	// flat array.
	KindMap
	// KindNilArray is RESP2's null array `*-1` (RESP3 `_`).
	KindNilArray
	// KindDouble is a float (RESP3 `,`; RESP2 bulk string), e.g. INCRBYFLOAT.
	KindDouble
	// KindVerbatim is a RESP3 verbatim text (`=`; RESP2 bulk), e.g. INFO, CLIENT LIST.
	KindVerbatim
)

// Reply is the typed result of a command. Str holds the payload of Simple, Bulk and
// Verbatim replies (for Bulk it may be arbitrary bytes), Int of Int, Elems of Array and Map.
// A Reply may alias the command's arguments; encode it before reading the next command.
// It is a plain value: a Reply that is not modified may be read from several goroutines.
type Reply struct {
	Kind  Kind
	Str   string
	Int   int64
	Num   float64
	Elems []Reply
}

// OK is the `+OK` reply.
func OK() Reply { return Reply{Kind: KindOK} }

// Simple returns a status reply.
func Simple(s string) Reply { return Reply{Kind: KindSimple, Str: s} }

// Bulk returns a bulk string reply.
func Bulk(s string) Reply { return Reply{Kind: KindBulk, Str: s} }

// BulkBytes returns a bulk string reply holding a copy of b.
func BulkBytes(b []byte) Reply { return Reply{Kind: KindBulk, Str: string(b)} }

// Nil returns the nil reply.
func Nil() Reply { return Reply{Kind: KindNil} }

// Int returns an integer reply.
func Int(n int64) Reply { return Reply{Kind: KindInt, Int: n} }

// Double returns a float reply.
func Double(f float64) Reply { return Reply{Kind: KindDouble, Num: f} }

// Array returns an array reply.
func Array(elems []Reply) Reply { return Reply{Kind: KindArray, Elems: elems} }

// Map returns a map reply from alternating keys and values.
func Map(kv []Reply) Reply { return Reply{Kind: KindMap, Elems: kv} }

// Verbatim returns a verbatim text reply.
func Verbatim(s string) Reply { return Reply{Kind: KindVerbatim, Str: s} }

// Strings returns an array of bulk strings.
func Strings(ss []string) Reply {
	elems := make([]Reply, len(ss))
	for i, s := range ss {
		elems[i] = Bulk(s)
	}
	return Array(elems)
}

// String renders the reply for debugging and tests, RESP2-like.
func (r Reply) String() string {
	switch r.Kind {
	case KindOK:
		return "+OK"
	case KindSimple:
		return "+" + r.Str
	case KindBulk, KindVerbatim:
		return strconv.Quote(r.Str)
	case KindNil:
		return "(nil)"
	case KindNilArray:
		return "(nil array)"
	case KindInt:
		return ":" + strconv.FormatInt(r.Int, 10)
	case KindDouble:
		return "," + strconv.FormatFloat(r.Num, 'g', -1, 64)
	case KindArray, KindMap:
		b := []byte{'['}
		for i, e := range r.Elems {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, e.String()...)
		}
		return string(append(b, ']'))
	}
	return "?"
}

// AppendJSON appends r rendered as JSON text, the form the embedded front doors (the C
// library and the database/sql driver) give a reply nested in an array: arrays as arrays,
// maps as objects when every key is a string (as flat arrays otherwise), OK, status, bulk
// and verbatim strings as JSON strings (invalid UTF-8 becomes U+FFFD), integers as numbers,
// doubles as numbers in their RESP text (non-finite ones as the strings "inf", "-inf" and
// "nan"), nil as null.
func (r *Reply) AppendJSON(b []byte) []byte {
	switch r.Kind {
	case KindOK:
		return jsondoc.Quote(b, "OK")
	case KindSimple, KindBulk, KindVerbatim:
		return jsondoc.Quote(b, r.Str)
	case KindInt:
		return strconv.AppendInt(b, r.Int, 10)
	case KindDouble:
		if math.IsInf(r.Num, 0) || math.IsNaN(r.Num) {
			return jsondoc.Quote(b, string(resp.AppendDouble(nil, r.Num)))
		}
		return resp.AppendDouble(b, r.Num)
	case KindMap:
		if stringKeys(r.Elems) {
			b = append(b, '{')
			for i := 0; i < len(r.Elems); i += 2 {
				if i > 0 {
					b = append(b, ',')
				}
				b = jsondoc.Quote(b, r.Elems[i].Str)
				b = append(b, ':')
				b = r.Elems[i+1].AppendJSON(b)
			}
			return append(b, '}')
		}
		fallthrough
	case KindArray:
		b = append(b, '[')
		for i := range r.Elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Elems[i].AppendJSON(b)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

// stringKeys reports whether kv is a list of pairs whose keys are all strings.
func stringKeys(kv []Reply) bool {
	if len(kv)%2 != 0 {
		return false
	}
	for i := 0; i < len(kv); i += 2 {
		switch kv[i].Kind {
		case KindSimple, KindBulk, KindVerbatim:
		default:
			return false
		}
	}
	return true
}
