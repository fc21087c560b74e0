package wal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// File layout: an 8-byte file header, then records back to back. A file with
// no records is empty (0 bytes), without a header: the header is written
// together with the first record.
const (
	// fileHeaderSize is the length of fileHeader.
	fileHeaderSize = 8
	// recordHeaderSize is the fixed part of a record: length, CRC, ts.
	recordHeaderSize = 16
	// lengthFieldSize is the part of the record header not counted by the
	// length word (the length word itself and the CRC).
	lengthFieldSize = 8
	// formatVersion is the last byte of fileHeader.
	formatVersion = 1
)

// MaxPayload is the largest payload Append accepts.
const MaxPayload = 1<<30 - lengthFieldSize

// maxBody is the largest valid length word: ts plus MaxPayload bytes.
const maxBody = MaxPayload + 8

// fileHeader starts every non-empty log file: magic "MFLXWAL" and the
// format version.
var fileHeader = [fileHeaderSize]byte{'M', 'F', 'L', 'X', 'W', 'A', 'L', formatVersion}

// castagnoli is the CRC32C table used for record checksums.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordSize is the encoded size of a record carrying payloadLen bytes.
func recordSize(payloadLen int) int { return recordHeaderSize + payloadLen }

// putRecord encodes a record into dst, which must hold recordSize(len(payload))
// bytes:
//
//	u32 length | u32 CRC32C(ts, payload) | u64 ts | payload
//
// where length = 8 + len(payload) counts the checksummed bytes, so a valid
// length word is never zero and a zero word marks the end of the log.
func putRecord(dst []byte, ts uint64, payload []byte) {
	binary.LittleEndian.PutUint64(dst[8:], ts)
	copy(dst[recordHeaderSize:], payload)
	crc := crc32.Checksum(dst[8:recordHeaderSize+len(payload)], castagnoli)
	binary.LittleEndian.PutUint32(dst[4:], crc)
	binary.LittleEndian.PutUint32(dst[0:], uint32(8+len(payload)))
}

// record is a decoded record; payload aliases the buffer it was decoded from.
type record struct {
	off     int64 // offset of the record in its file
	ts      uint64
	payload []byte
}

// decodeRecord decodes the record at b[off:]. It returns the record and the
// offset just past it, or a non-empty reason why the bytes there are not a
// valid record. It never reads outside b.
func decodeRecord(b []byte, off int64) (rec record, next int64, reason string) {
	rest := int64(len(b)) - off
	if rest < recordHeaderSize {
		return record{}, 0, fmt.Sprintf("truncated record header (%d bytes left)", rest)
	}
	n := int64(binary.LittleEndian.Uint32(b[off:]))
	switch {
	case n == 0:
		return record{}, 0, "zero length"
	case n < 8 || n > maxBody:
		return record{}, 0, fmt.Sprintf("invalid length %d", n)
	case n+lengthFieldSize > rest:
		return record{}, 0, fmt.Sprintf("record of %d bytes extends past end of file", n+lengthFieldSize)
	}
	body := b[off+lengthFieldSize : off+lengthFieldSize+n]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[off+4:]) {
		return record{}, 0, "checksum mismatch"
	}
	rec = record{off: off, ts: binary.LittleEndian.Uint64(body), payload: body[8:]}
	return rec, off + lengthFieldSize + n, ""
}
