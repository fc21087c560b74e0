package main

import (
	"strconv"

	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/internal/resp"
)

// FFIResponseType values (SPEC §9.1); exports.go checks them against the C enum.
const (
	respOK     = 0 // never produced: OK replies are SIMPLE_STRING "OK"
	respSimple = 1
	respBytes  = 2
	respMulti  = 3
	respInt    = 4
	respNil    = 5
	respError  = 6
)

// response is a reply in the shape of an FFIResponse, held in Go memory; exports.go copies
// it into malloc'ed C memory. Its buffers are reused from one command to the next. It is
// not safe for concurrent use (each cursor owns one).
type response struct {
	typ     int32
	str     string   // SIMPLE_STRING and ERROR text
	data    []byte   // BYTES payload, or the MULTI_BYTES items back to back
	lens    []uint64 // MULTI_BYTES item lengths (size_t on x86-64)
	nulls   []byte   // MULTI_BYTES: nulls[i] == 1 marks a nil item; empty if none is nil
	count   int      // MULTI_BYTES item count
	integer int64    // INTEGER
}

// reset clears r for a response of type typ, keeping its buffers.
func (r *response) reset(typ int32) {
	*r = response{typ: typ, data: r.data[:0], lens: r.lens[:0], nulls: r.nulls[:0]}
}

// setError makes r an ERROR response. msg carries no "ERR " prefix (SPEC §9.1).
func (r *response) setError(msg string) {
	r.reset(respError)
	r.str = msg
}

// setReply maps a command reply onto r (SPEC §9.1): OK → SIMPLE_STRING "OK", status →
// SIMPLE_STRING, bulk/verbatim/double → BYTES, nil and nil array → NIL, integer →
// INTEGER, array → MULTI_BYTES, map → MULTI_BYTES of alternating keys and values.
func (r *response) setReply(rep command.Reply) {
	switch rep.Kind {
	case command.KindOK:
		r.reset(respSimple)
		r.str = "OK"
	case command.KindSimple:
		r.reset(respSimple)
		r.str = rep.Str
	case command.KindBulk, command.KindVerbatim:
		r.reset(respBytes)
		r.data = append(r.data, rep.Str...)
	case command.KindDouble:
		r.reset(respBytes)
		r.data = resp.AppendDouble(r.data, rep.Num)
	case command.KindInt:
		r.reset(respInt)
		r.integer = rep.Int
	case command.KindArray, command.KindMap:
		r.reset(respMulti)
		for i := range rep.Elems {
			r.addItem(&rep.Elems[i])
		}
	case command.KindNil, command.KindNilArray:
		r.reset(respNil)
	default:
		r.setError("Internal error: unknown reply kind " + strconv.Itoa(int(rep.Kind)))
	}
}

// addItem appends one element of a MULTI_BYTES response: scalars as their bytes or
// decimal text, nil as a NULL item, nested arrays and maps as JSON text.
func (r *response) addItem(e *command.Reply) {
	start := len(r.data)
	null := false
	switch e.Kind {
	case command.KindOK:
		r.data = append(r.data, "OK"...)
	case command.KindSimple, command.KindBulk, command.KindVerbatim:
		r.data = append(r.data, e.Str...)
	case command.KindInt:
		r.data = strconv.AppendInt(r.data, e.Int, 10)
	case command.KindDouble:
		r.data = resp.AppendDouble(r.data, e.Num)
	case command.KindNil, command.KindNilArray:
		null = true
	default:
		r.data = e.AppendJSON(r.data)
	}
	if null || len(r.nulls) > 0 {
		// nulls stays empty until the first nil item, then covers every item.
		for len(r.nulls) < r.count {
			r.nulls = append(r.nulls, 0)
		}
		var mark byte
		if null {
			mark = 1
		}
		r.nulls = append(r.nulls, mark)
	}
	r.lens = append(r.lens, uint64(len(r.data)-start))
	r.count++
}
