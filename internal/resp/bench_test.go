package resp

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// benchRead decodes batch (holding n requests) once per iteration, as a
// server does with a pipeline that arrives in one read.
func benchRead(b *testing.B, batch string, n int) {
	r := NewReader(&loopReader{batch: []byte(batch)}, Limits{})
	b.ReportAllocs()
	b.SetBytes(int64(len(batch)))
	b.ResetTimer()
	for range b.N {
		for range n {
			if _, err := r.ReadCommand(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkReadSET(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run("pipeline="+strconv.Itoa(n), func(b *testing.B) { benchRead(b, setPipeline(n), n) })
	}
}

func BenchmarkReadGET(b *testing.B) {
	for _, n := range []int{1, 16} {
		b.Run("pipeline="+strconv.Itoa(n), func(b *testing.B) { benchRead(b, getPipeline(n), n) })
	}
}

func BenchmarkReadInline(b *testing.B) {
	benchRead(b, strings.Repeat("SET key:000000 \"value\"\r\n", 16), 16)
}

func BenchmarkReadBigBulk(b *testing.B) {
	for _, size := range []int{4 << 10, 1 << 20} {
		b.Run("size="+strconv.Itoa(size), func(b *testing.B) {
			batch := encodeArray(nil, [][]byte{[]byte("SET"), []byte("k"), bytes.Repeat([]byte("v"), size)})
			benchRead(b, string(batch), 1)
		})
	}
}

func BenchmarkWriteBulk(b *testing.B) {
	for _, size := range []int{5, 1 << 10, 64 << 10} {
		b.Run("size="+strconv.Itoa(size), func(b *testing.B) {
			val := bytes.Repeat([]byte("v"), size)
			w := NewWriter(discard{})
			b.ReportAllocs()
			b.SetBytes(16 * int64(size))
			b.ResetTimer()
			for range b.N {
				for range 16 {
					w.Bulk(val)
				}
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteMixed(b *testing.B) {
	w := NewWriter(discard{})
	w.SetProtocol(3)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w.Simple("OK")
		w.Int(123456)
		w.Nil()
		w.Double(3.14159)
		w.ArrayHeader(2)
		w.BulkString("field")
		w.BulkString("value")
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}
