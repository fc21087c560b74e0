package wal

import "hash/crc32"

// rangeCRC answers "CRC32C of b[i:j]" for any i, j >= base in time
// independent of j-i (apart from O(log(j-i)) matrix products), after one
// linear pass over b[base:live]. Recovery uses it to test every offset of a
// damaged region for a valid record without re-reading the bytes each
// candidate claims, which would be quadratic.
//
// The CRC register update is linear over GF(2). With U(s, D) the raw update
// (no pre/post inversion) of register s over data D, and Z_n advancing a
// register over n zero bytes:
//
//	U(s, D)          = Z_len(D)(s) ^ U(0, D)
//	U(0, b[i:j])     = R(j) ^ Z_(j-i)(R(i))   where R(x) = U(0, b[base:x])
//	Checksum(b[i:j]) = ^(Z_(j-i)(0xffffffff) ^ U(0, b[i:j]))
//
// R is stored every rangeMark bytes and completed from there on demand;
// past live the bytes are zero, so R(x) = Z_(x-live)(R(live)). A rangeCRC
// belongs to one recovery scan and is not safe for concurrent use.
type rangeCRC struct {
	b          []byte
	base, live int64    // b[live:] is all zero
	marks      []uint32 // marks[k] = R(base + k*rangeMark)
}

// rangeMark is the spacing of stored prefix registers: memory is 4 bytes
// per rangeMark bytes searched, and a query checksums up to 2*rangeMark.
const rangeMark = 256

func newRangeCRC(b []byte, base, live int64) *rangeCRC {
	live = max(live, base)
	rc := &rangeCRC{b: b, base: base, live: live, marks: make([]uint32, (live-base)/rangeMark+1)}
	for k := 1; k < len(rc.marks); k++ {
		start := base + int64(k-1)*rangeMark
		rc.marks[k] = rawUpdate(rc.marks[k-1], b[start:start+rangeMark])
	}
	return rc
}

// prefix returns R(x) = U(0, b[base:x]).
func (rc *rangeCRC) prefix(x int64) uint32 {
	if x > rc.live {
		return zeroShift(rc.prefix(rc.live), x-rc.live)
	}
	k := (x - rc.base) / rangeMark
	return rawUpdate(rc.marks[k], rc.b[rc.base+k*rangeMark:x])
}

// checksum returns crc32.Checksum(b[i:j], castagnoli) for base <= i <= j,
// where j may lie past live (up to len(b)).
func (rc *rangeCRC) checksum(i, j int64) uint32 {
	u := rc.prefix(j) ^ zeroShift(rc.prefix(i), j-i)
	return ^(zeroShift(0xffffffff, j-i) ^ u)
}

// rawUpdate is the CRC32C register update without pre/post inversion.
func rawUpdate(s uint32, d []byte) uint32 { return ^crc32.Update(^s, castagnoli, d) }

// zeroShift advances the raw register s over n zero bytes.
func zeroShift(s uint32, n int64) uint32 {
	for k := 0; n != 0; k, n = k+1, n>>1 {
		if n&1 != 0 {
			s = gf2Times(&zeroOps[k], s)
		}
	}
	return s
}

// zeroOps[k] advances the raw CRC32C register over 2^k zero bytes.
var zeroOps = func() (ops [63][32]uint32) {
	var bit [32]uint32 // one zero bit: shift right, reduce by the reflected polynomial
	bit[0] = crc32.Castagnoli
	for i := 1; i < 32; i++ {
		bit[i] = 1 << (i - 1)
	}
	var two, four [32]uint32
	gf2Square(&two, &bit)
	gf2Square(&four, &two)
	gf2Square(&ops[0], &four) // eight bits: one byte
	for k := 1; k < len(ops); k++ {
		gf2Square(&ops[k], &ops[k-1])
	}
	return ops
}()

// gf2Times multiplies the 32x32 GF(2) matrix m (m[i] = image of bit i) by
// the vector v.
func gf2Times(m *[32]uint32, v uint32) uint32 {
	var sum uint32
	for i := 0; v != 0; i, v = i+1, v>>1 {
		if v&1 != 0 {
			sum ^= m[i]
		}
	}
	return sum
}

// gf2Square sets dst to m*m.
func gf2Square(dst, m *[32]uint32) {
	for i := range m {
		dst[i] = gf2Times(m, m[i])
	}
}
