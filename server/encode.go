package server

import (
	"github.com/memflux/memflux/command"
	"github.com/memflux/memflux/internal/resp"
)

// writeReply encodes r on w in w's protocol. It is the one place where command reply kinds
// become RESP: the Writer picks the RESP2 or RESP3 form of each (maps become flat arrays,
// doubles and verbatim strings bulk strings, nil arrays "*-1" in RESP2; "%", ",", "=" and
// "_" in RESP3).
func writeReply(w *resp.Writer, r *command.Reply) {
	switch r.Kind {
	case command.KindOK:
		w.Simple("OK")
	case command.KindSimple:
		w.Simple(r.Str)
	case command.KindBulk:
		w.BulkString(r.Str)
	case command.KindNil:
		w.Nil()
	case command.KindInt:
		w.Int(r.Int)
	case command.KindArray:
		w.ArrayHeader(len(r.Elems))
		for i := range r.Elems {
			writeReply(w, &r.Elems[i])
		}
	case command.KindMap:
		if len(r.Elems)%2 != 0 {
			// A map needs pairs; send a malformed one as the flat array it is rather
			// than desynchronising the stream.
			w.ArrayHeader(len(r.Elems))
		} else {
			w.MapHeader(len(r.Elems) / 2)
		}
		for i := range r.Elems {
			writeReply(w, &r.Elems[i])
		}
	case command.KindNilArray:
		w.NilArray()
	case command.KindDouble:
		w.Double(r.Num)
	case command.KindVerbatim:
		w.Verbatim("txt", r.Str)
	default:
		w.Error("unknown reply kind")
	}
}
