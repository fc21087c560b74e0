package resp

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// fuzzLimits keeps fuzz inputs cheap while still reaching every limit.
var fuzzLimits = Limits{MaxBulkLen: 1 << 16, MaxArgs: 1024, MaxInlineLen: 1024}

// decoded is what a Reader makes of a whole stream.
type decoded struct {
	cmds [][][]byte // copies of the decoded requests, in order
	errs []string   // request errors, and the final error, in order of occurrence
}

// decodeStream decodes r until an error that ends the stream.
func decodeStream(r *Reader) decoded {
	var d decoded
	for {
		args, err := r.ReadCommand()
		if err == nil {
			cp := make([][]byte, len(args))
			for i, a := range args {
				cp[i] = bytes.Clone(a)
			}
			d.cmds = append(d.cmds, cp)
			continue
		}
		d.errs = append(d.errs, renderErr(err))
		var re *RequestError
		if !errors.As(err, &re) {
			return d
		}
	}
}

// FuzzReader checks, for any input, that the Reader does not panic, that the
// result does not depend on how the input is split into reads, that decoded
// requests respect the limits, and that re-encoding them as RESP arrays
// decodes to the same arguments.
func FuzzReader(f *testing.F) {
	// The seed corpus is testdata/fuzz/FuzzReader.
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := decodeStream(NewReader(bytes.NewReader(data), fuzzLimits))
		rng := rand.New(rand.NewPCG(uint64(len(data)), 0))
		split := decodeStream(NewReader(&chunkReader{data: data, rng: rng, max: 5}, fuzzLimits))
		if !sameDecoded(whole, split) {
			t.Fatalf("split reads changed the result:\nwhole %q\nsplit %q", whole, split)
		}
		var encoded []byte
		for _, args := range whole.cmds {
			if len(args) == 0 || len(args) > fuzzLimits.MaxArgs {
				t.Fatalf("decoded %d arguments", len(args))
			}
			for _, a := range args {
				if int64(len(a)) > fuzzLimits.MaxBulkLen {
					t.Fatalf("decoded an argument of %d bytes", len(a))
				}
			}
			encoded = encodeArray(encoded, args)
		}
		again := decodeStream(NewReader(bytes.NewReader(encoded), fuzzLimits))
		if len(again.errs) != 1 || again.errs[0] != evEOF || !sameCmds(again.cmds, whole.cmds) {
			t.Fatalf("re-encoded requests decode differently:\nfirst %q\nagain %q", whole, again)
		}
	})
}

func sameDecoded(a, b decoded) bool {
	if len(a.errs) != len(b.errs) {
		return false
	}
	for i := range a.errs {
		if a.errs[i] != b.errs[i] {
			return false
		}
	}
	return sameCmds(a.cmds, b.cmds)
}

func sameCmds(a, b [][][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalArgs(a[i], b[i]) {
			return false
		}
	}
	return true
}
