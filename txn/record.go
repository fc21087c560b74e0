package txn

import (
	"encoding/binary"
	"fmt"

	"github.com/memflux/memflux/mvcc"
	"github.com/memflux/memflux/value"
)

// A commit record is the WAL payload of one transaction: a sequence of operations.
//
//	put:    opPut    space uvarint(len(key)) key value.AppendEncoded(val)
//	delete: opDelete space uvarint(len(key)) key
//	reset:  opReset                                  (FLUSHDB / WIPEDB)
const (
	opPut    byte = 1
	opDelete byte = 2
	opReset  byte = 3
)

// appendRecord encodes writes as a commit record.
func appendRecord(dst []byte, writes []write) []byte {
	for i := range writes {
		w := &writes[i]
		if w.val.Exists() {
			dst = append(dst, opPut, byte(w.sp))
		} else {
			dst = append(dst, opDelete, byte(w.sp))
		}
		dst = binary.AppendUvarint(dst, uint64(len(w.key)))
		dst = append(dst, w.key...)
		if w.val.Exists() {
			dst = value.AppendEncoded(dst, w.val)
		}
	}
	return dst
}

// Op is one decoded operation of a commit record, a plain value; Key aliases the record.
type Op struct {
	Reset bool // FLUSHDB/WIPEDB: every space emptied; Space, Key and Value unused
	Space mvcc.Space
	Key   []byte      // aliases the record
	Value value.Value // zero for a delete
}

// DecodeRecord calls fn for every operation of a commit record, in order. It validates the
// whole record first, so fn never sees a partial record.
func DecodeRecord(rec []byte, fn func(Op) error) error {
	if err := walkRecord(rec, nil); err != nil {
		return err
	}
	return walkRecord(rec, fn)
}

func walkRecord(rec []byte, fn func(Op) error) error {
	for off := 0; off < len(rec); {
		op := rec[off]
		off++
		if op == opReset {
			if fn != nil {
				if err := fn(Op{Reset: true}); err != nil {
					return err
				}
			}
			continue
		}
		if (op != opPut && op != opDelete) || off >= len(rec) {
			return fmt.Errorf("%w: bad op %d at offset %d", ErrCorruptRecord, op, off-1)
		}
		sp := mvcc.Space(rec[off])
		off++
		if sp >= mvcc.NumSpaces {
			return fmt.Errorf("%w: bad space %d", ErrCorruptRecord, sp)
		}
		n, w := binary.Uvarint(rec[off:])
		if w <= 0 || n > uint64(len(rec)-off-w) {
			return fmt.Errorf("%w: bad key length at offset %d", ErrCorruptRecord, off)
		}
		off += w
		key := rec[off : off+int(n)]
		off += int(n)
		var v value.Value
		if op == opPut {
			var used int
			var err error
			v, used, err = value.Decode(rec[off:])
			if err != nil {
				return fmt.Errorf("%w: value at offset %d: %w", ErrCorruptRecord, off, err)
			}
			if !v.Exists() {
				return fmt.Errorf("%w: empty value at offset %d", ErrCorruptRecord, off)
			}
			off += used
		}
		if fn != nil {
			if err := fn(Op{Space: sp, Key: key, Value: v}); err != nil {
				return err
			}
		}
	}
	return nil
}
