package wal

import (
	"encoding/binary"
	"fmt"
)

// scanResult is what recovery learns about one file.
type scanResult struct {
	end     int64  // logical size: 0 for a file without records
	records int    // number of valid records
	lastTS  uint64 // ts of the last valid record, 0 if none
	// tornAt is the offset of the first invalid record when the bytes past
	// the logical end were not all zero (a torn write), else -1.
	tornAt int64
	reason string // why the record at tornAt was rejected
}

// scanFile validates the contents b of the file at path. It returns the
// logical end of the log, or a *CorruptionError when a bad region is followed
// by a valid record (dropping it would lose data) or the header is not ours.
//
// The rule: records are read from the start; at the first record that fails
// validation, the rest of the file is searched for any valid record with a
// higher timestamp. None: the tail is torn (or zero preallocation) and the
// log ends there. One: the damage is in the middle of the log.
func scanFile(path string, b []byte) (scanResult, error) {
	res := scanResult{tornAt: -1}
	if len(b) == 0 {
		return res, nil
	}
	off, err := checkHeader(path, b)
	if err != nil {
		return res, err
	}
	if off == 0 {
		// Torn header: the first record never completed either, unless the
		// file is damaged in a way we must not paper over.
		if findValid(b, fileHeaderSize, 0) >= 0 {
			return res, &CorruptionError{Path: path, Offset: 0, Reason: "bad file header"}
		}
		if !isZero(b) {
			res.tornAt, res.reason = 0, "torn file header"
		}
		return res, nil
	}
	for {
		if off == int64(len(b)) {
			break
		}
		rec, next, reason := decodeRecord(b, off)
		if reason == "" && rec.ts <= res.lastTS {
			return res, &CorruptionError{Path: path, Offset: off,
				Reason: fmt.Sprintf("timestamp %d not above previous %d", rec.ts, res.lastTS)}
		}
		if reason != "" {
			if isZero(b[off:]) {
				break
			}
			if findValid(b, off+1, res.lastTS) >= 0 {
				return res, &CorruptionError{Path: path, Offset: off, Reason: reason}
			}
			res.tornAt, res.reason = off, reason
			break
		}
		res.records++
		res.lastTS = rec.ts
		off = next
	}
	if res.records > 0 {
		res.end = off
	}
	return res, nil
}

// checkHeader validates the file header. It returns the offset of the first
// record (fileHeaderSize), or 0 when the header is torn: every byte present
// is either the expected one or zero. Any other header is foreign or damaged
// and is reported, never truncated away.
func checkHeader(path string, b []byte) (int64, error) {
	n := min(len(b), fileHeaderSize)
	if n == fileHeaderSize && [fileHeaderSize]byte(b[:n]) == fileHeader {
		return fileHeaderSize, nil
	}
	torn := true
	for i := range n {
		if b[i] != 0 && b[i] != fileHeader[i] {
			torn = false
		}
	}
	if torn {
		return 0, nil
	}
	reason := "bad file header"
	if n == fileHeaderSize && [fileHeaderSize - 1]byte(b[:n-1]) == [fileHeaderSize - 1]byte(fileHeader[:n-1]) {
		reason = fmt.Sprintf("unsupported format version %d", b[n-1])
	}
	return 0, &CorruptionError{Path: path, Offset: 0, Reason: reason}
}

// findValid returns the offset of the first valid record at or after from
// whose ts is above minTS, or -1. Runs of zero bytes are skipped a word at a
// time: a record starts with a non-zero length word, so it starts at most 3
// bytes before a non-zero byte. Candidates are checksummed through a
// rangeCRC, so the search is linear in the bytes searched (plus a few
// microseconds per offset whose header looks plausible), however long the
// records the garbage claims to hold.
func findValid(b []byte, from int64, minTS uint64) int64 {
	live := lastNonZero(b) + 1 // b[live:] is all zero
	var rc *rangeCRC
	for o := from; o < live && o+recordHeaderSize <= int64(len(b)); {
		n := int64(binary.LittleEndian.Uint32(b[o:]))
		if n == 0 {
			nz := nextNonZero(b, o)
			if nz < 0 {
				return -1
			}
			o = max(o+1, nz-3)
			continue
		}
		if n >= 8 && n <= maxBody && o+lengthFieldSize+n <= int64(len(b)) &&
			binary.LittleEndian.Uint64(b[o+8:]) > minTS {
			if rc == nil {
				rc = newRangeCRC(b, from, live)
			}
			body := o + lengthFieldSize
			if rc.checksum(body, body+n) == binary.LittleEndian.Uint32(b[o+4:]) {
				return o
			}
		}
		o++
	}
	return -1
}

// lastNonZero returns the index of the last non-zero byte of b, or -1.
func lastNonZero(b []byte) int64 {
	i := int64(len(b))
	for ; i%8 != 0; i-- {
		if b[i-1] != 0 {
			return i - 1
		}
	}
	for ; i >= 8 && binary.LittleEndian.Uint64(b[i-8:]) == 0; i -= 8 {
	}
	for ; i > 0; i-- {
		if b[i-1] != 0 {
			return i - 1
		}
	}
	return -1
}

// nextNonZero returns the index of the first non-zero byte at or after from,
// or -1.
func nextNonZero(b []byte, from int64) int64 {
	i := from
	for ; i < int64(len(b)) && i%8 != 0; i++ {
		if b[i] != 0 {
			return i
		}
	}
	for ; i+8 <= int64(len(b)); i += 8 {
		if binary.LittleEndian.Uint64(b[i:]) != 0 {
			break
		}
	}
	for ; i < int64(len(b)); i++ {
		if b[i] != 0 {
			return i
		}
	}
	return -1
}

// isZero reports whether every byte of b is zero.
func isZero(b []byte) bool { return nextNonZero(b, 0) < 0 }
