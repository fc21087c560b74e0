package value

import (
	"encoding/binary"
	"fmt"
)

// AppendEncoded appends the encoding of v to dst and returns the extended
// slice. The encoding is one kind byte, followed by
//
//	None:        nothing
//	Bytes, JSON: uvarint length, the bytes
//	List, Set:   uvarint count (>= 1), then per element: uvarint length, the bytes
//
// List elements are in order; set members in an unspecified order.
func AppendEncoded(dst []byte, v Value) []byte {
	dst = append(dst, byte(v.kind))
	switch v.kind {
	case KindBytes, KindJSON:
		dst = binary.AppendUvarint(dst, uint64(len(v.str)))
		dst = append(dst, v.str...)
	case KindList:
		dst = appendElems(dst, v.list.Len(), v.list.Bytes(), v.list.All)
	case KindSet:
		dst = appendElems(dst, v.set.Len(), v.set.Bytes(), v.set.All)
	}
	return dst
}

// appendElems appends a counted sequence of length-prefixed strings.
func appendElems(dst []byte, n, nbytes int, all func(func(string) bool)) []byte {
	dst = binary.AppendUvarint(dst, uint64(n))
	dst = growBytes(dst, nbytes+2*n) // lengths below 16384 take 2 bytes
	all(func(s string) bool {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
		return true
	})
	return dst
}

// growBytes makes room for at least extra more bytes, so large lists and
// sets are encoded with a single allocation.
func growBytes(b []byte, extra int) []byte {
	if cap(b)-len(b) >= extra {
		return b
	}
	nb := make([]byte, len(b), len(b)+extra)
	copy(nb, b)
	return nb
}

// Decode decodes the value at the start of b, returning it and the number of
// bytes it took. Bytes after the value are ignored. Malformed input gives an
// error wrapping ErrCorrupt; Decode never allocates much more than len(b).
// The result does not alias b.
func Decode(b []byte) (v Value, n int, err error) {
	if len(b) == 0 {
		return Value{}, 0, fmt.Errorf("value: decode: empty input: %w", ErrCorrupt)
	}
	d := decoder{b: b, off: 1}
	switch k := Kind(b[0]); k {
	case KindNone:
		return Value{}, 1, nil
	case KindBytes, KindJSON:
		s, err := d.str()
		if err != nil {
			return Value{}, 0, fmt.Errorf("value: decode %s: %w", k, err)
		}
		return Value{kind: k, str: s}, d.off, nil
	case KindList:
		l, err := d.list()
		if err != nil {
			return Value{}, 0, err
		}
		return Value{kind: KindList, list: l}, d.off, nil
	case KindSet:
		s, err := d.set()
		if err != nil {
			return Value{}, 0, err
		}
		return Value{kind: KindSet, set: s}, d.off, nil
	default:
		return Value{}, 0, fmt.Errorf("value: decode: unknown kind %d: %w", b[0], ErrCorrupt)
	}
}

// decoder reads length-prefixed data from b starting at off. It belongs to one
// Decode call and is not safe for concurrent use.
type decoder struct {
	b   []byte
	off int
}

// uvarint reads a uvarint no larger than the bytes left after it, which
// bounds every length and count by the input size.
func (d *decoder) uvarint(what string) (int, error) {
	x, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 || (n > 1 && d.b[d.off+n-1] == 0) {
		// Truncated, overflowing, or not minimal: the encoding is canonical,
		// so re-encoding a decoded value reproduces its bytes.
		return 0, fmt.Errorf("malformed %s at offset %d: %w", what, d.off, ErrCorrupt)
	}
	d.off += n
	if x > uint64(len(d.b)-d.off) {
		return 0, fmt.Errorf("%s %d exceeds the %d bytes left at offset %d: %w",
			what, x, len(d.b)-d.off, d.off, ErrCorrupt)
	}
	return int(x), nil
}

func (d *decoder) str() (string, error) {
	n, err := d.uvarint("length")
	if err != nil {
		return "", err
	}
	s := string(d.b[d.off : d.off+n])
	d.off += n
	return s, nil
}

// count reads an element count, which must be at least 1 (empty lists and
// sets are not values) and at most the bytes left (every element takes at
// least its one-byte length).
func (d *decoder) count(k Kind) (int, error) {
	n, err := d.uvarint("count")
	if err != nil {
		return 0, fmt.Errorf("value: decode %s: %w", k, err)
	}
	if n == 0 {
		return 0, fmt.Errorf("value: decode %s: empty at offset %d: %w", k, d.off, ErrCorrupt)
	}
	return n, nil
}

func (d *decoder) list() (*List, error) {
	n, err := d.count(KindList)
	if err != nil {
		return nil, err
	}
	var b listBuilder
	for i := range n {
		s, err := d.str()
		if err != nil {
			return nil, fmt.Errorf("value: decode list element %d of %d: %w", i, n, err)
		}
		b.add(s)
	}
	return b.list(), nil
}

func (d *decoder) set() (*Set, error) {
	n, err := d.count(KindSet)
	if err != nil {
		return nil, err
	}
	// Members are read first and added as one batch, so the trie is built
	// in place rather than path-copied per member.
	ms := make([]string, n)
	for i := range ms {
		if ms[i], err = d.str(); err != nil {
			return nil, fmt.Errorf("value: decode set member %d of %d: %w", i, n, err)
		}
	}
	s, added := (*Set)(nil).Add(ms...)
	if added != n {
		return nil, fmt.Errorf("value: decode set: %d repeated members: %w", n-added, ErrCorrupt)
	}
	return s, nil
}
