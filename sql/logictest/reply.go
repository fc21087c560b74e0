package logictest

import (
	"strconv"
	"strings"
)

// ReplyKind is the kind of a Reply.
type ReplyKind uint8

const (
	// ReplyStatus is `+OK` or another status line (Text).
	ReplyStatus ReplyKind = iota
	// ReplyBulk is a bulk string (Text).
	ReplyBulk
	// ReplyNil is the nil reply.
	ReplyNil
	// ReplyInt is an integer (Int).
	ReplyInt
	// ReplyArray is an array (Elems).
	ReplyArray
	// ReplyError is an error reply (Text is the full message).
	ReplyError
)

// Reply is a command reply as the harness compares it. The runner converts the engine's
// replies into this form so that this package stays free of MemFlux imports (it sits in
// the sql layer, below command).
//
// Replies are plain values; they are safe for concurrent reads.
type Reply struct {
	Kind  ReplyKind
	Text  string
	Int   int64
	Elems []Reply
}

// FormatReply renders a reply as the result lines of a command record: `+OK`/`+text` for
// status lines, the raw text of a bulk string (Go-quoted when it is empty or holds a
// newline), `(nil)`, `:N`, one line per element of an array (nested arrays flattened) or
// `(empty array)`, and `(error) message` for errors.
func FormatReply(r Reply) []string {
	switch r.Kind {
	case ReplyStatus:
		return []string{"+" + r.Text}
	case ReplyBulk:
		if r.Text == "" || strings.ContainsAny(r.Text, "\r\n") {
			return []string{strconv.Quote(r.Text)}
		}
		return []string{r.Text}
	case ReplyNil:
		return []string{"(nil)"}
	case ReplyInt:
		return []string{":" + strconv.FormatInt(r.Int, 10)}
	case ReplyError:
		return []string{"(error) " + r.Text}
	}
	if len(r.Elems) == 0 {
		return []string{"(empty array)"}
	}
	var lines []string
	for _, e := range r.Elems {
		lines = append(lines, FormatReply(e)...)
	}
	return lines
}

// Rows returns the row lines of a query reply: the bulk strings of an array reply. ok is
// false when the reply is not an array of bulk strings.
func Rows(r Reply) (rows []string, ok bool) {
	if r.Kind != ReplyArray {
		return nil, false
	}
	rows = make([]string, 0, len(r.Elems))
	for _, e := range r.Elems {
		if e.Kind != ReplyBulk {
			return nil, false
		}
		rows = append(rows, e.Text)
	}
	return rows, true
}
