package value

// Kind says what a key holds. It is a plain value.
type Kind uint8

// The kinds of value. KindNone is the zero Value: no value, a tombstone.
const (
	KindNone Kind = iota
	KindBytes
	KindJSON
	KindList
	KindSet
)

// String returns the lowercase name of the kind: "string", "json", "list", "set" or
// "none". (TYPE replies differ for JSON documents: package command reports RedisJSON's
// "ReJSON-RL" there.)
func (k Kind) String() string {
	switch k {
	case KindBytes:
		return "string"
	case KindJSON:
		return "json"
	case KindList:
		return "list"
	case KindSet:
		return "set"
	default:
		return "none"
	}
}

// Value is what a key holds in one MVCC version. It is small and passed by
// value; the zero Value means "no value" (a deleted key). Values are
// immutable, and safe for concurrent use by any number of goroutines.
type Value struct {
	kind Kind
	str  string // KindBytes payload, or KindJSON canonical text
	list *List  // KindList (never empty: an empty list is no value)
	set  *Set   // KindSet (never empty)
}

// Bytes returns a byte-string value.
func Bytes(s string) Value { return Value{kind: KindBytes, str: s} }

// JSON returns a JSON document value from its canonical compact text, which
// the caller (package jsondoc) has produced; it is stored as given.
func JSON(canonical string) Value { return Value{kind: KindJSON, str: canonical} }

// FromList returns a list value; an empty or nil list gives the zero Value.
func FromList(l *List) Value {
	if l.Len() == 0 {
		return Value{}
	}
	return Value{kind: KindList, list: l}
}

// FromSet returns a set value; an empty or nil set gives the zero Value.
func FromSet(s *Set) Value {
	if s.Len() == 0 {
		return Value{}
	}
	return Value{kind: KindSet, set: s}
}

// Kind returns the kind of v.
func (v Value) Kind() Kind { return v.kind }

// Exists reports whether v is a value rather than the zero Value.
func (v Value) Exists() bool { return v.kind != KindNone }

// Str returns the payload of a Bytes value or the text of a JSON value, and
// "" for other kinds.
func (v Value) Str() string { return v.str }

// List returns the list of a list value, nil for other kinds.
func (v Value) List() *List { return v.list }

// Set returns the set of a set value, nil for other kinds.
func (v Value) Set() *Set { return v.set }

// Per-value and per-element overheads used by Size. They estimate the heap
// bytes the representation costs beyond the element bytes themselves, and
// are checked against measurements by TestSizeMatchesHeap.
const (
	// listOverhead: the 64-byte List header and the slack of a partly
	// filled chunk.
	listOverhead = 96
	// listElemOverhead: a 16-byte string header in a chunk, plus the
	// amortized chunk header, tree nodes and string-allocation rounding.
	listElemOverhead = 24
	// setOverhead: the 48-byte Set header and the trie root or the small
	// set's array.
	setOverhead = 96
	// setElemOverhead: a 24-byte trie entry, amortized trie nodes (about
	// one 48-byte node per three members at the sparse bottom level) and
	// string-allocation rounding.
	setElemOverhead = 56
)

// Size returns the estimated heap bytes of v's payload, in O(1):
//
//	None:        0
//	Bytes, JSON: len(Str())
//	List:        96 + 24*Len + Bytes
//	Set:         96 + 56*Len + Bytes
//
// It depends only on the contents, never on the shape versions happen to
// share, so memory accounting can add and subtract it incrementally.
func (v Value) Size() int {
	switch v.kind {
	case KindBytes, KindJSON:
		return len(v.str)
	case KindList:
		return listOverhead + listElemOverhead*v.list.Len() + v.list.Bytes()
	case KindSet:
		return setOverhead + setElemOverhead*v.set.Len() + v.set.Bytes()
	default:
		return 0
	}
}

// Equal reports whether v and w have the same kind and contents (list
// elements in the same order, sets with the same members).
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case KindBytes, KindJSON:
		return v.str == w.str
	case KindList:
		return listsEqual(v.list, w.list)
	case KindSet:
		return setsEqual(v.set, w.set)
	default:
		return true
	}
}

func listsEqual(a, b *List) bool {
	if a == b {
		return true
	}
	if a.Len() != b.Len() || a.Bytes() != b.Bytes() {
		return false
	}
	other := make([]string, 0, b.Len())
	b.All(func(s string) bool {
		other = append(other, s)
		return true
	})
	i, eq := 0, true
	a.All(func(s string) bool {
		eq = s == other[i]
		i++
		return eq
	})
	return eq
}

func setsEqual(a, b *Set) bool {
	if a == b {
		return true
	}
	if a.Len() != b.Len() || a.Bytes() != b.Bytes() {
		return false
	}
	eq := true
	a.All(func(m string) bool {
		eq = b.Has(m)
		return eq
	})
	return eq
}
