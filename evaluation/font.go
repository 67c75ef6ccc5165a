package evaluation

import (
	"encoding/binary"
	"errors"
)

// standalone copies face index of a font file (a .ttc collection or a
// single font) into a font file of its own whose tables each start on a
// four-byte boundary, as golang.org/x/image/font/sfnt requires and Debian's
// wqy-zenhei.ttc (tables at odd offsets) does not give.
func standalone(data []byte, index int) ([]byte, error) {
	bad := errors.New("not a TrueType or OpenType font")
	if len(data) < 12 {
		return nil, bad
	}
	be := binary.BigEndian
	start := 0
	if string(data[:4]) == "ttcf" {
		n := int(be.Uint32(data[8:12]))
		if index >= n || len(data) < 12+4*n {
			return nil, bad
		}
		start = int(be.Uint32(data[12+4*index:]))
	}
	if start+12 > len(data) {
		return nil, bad
	}
	numTables := int(be.Uint16(data[start+4:]))
	dir := start + 12
	if dir+16*numTables > len(data) {
		return nil, bad
	}
	out := make([]byte, 12+16*numTables)
	copy(out, data[start:start+12])
	for i := range numTables {
		rec := data[dir+16*i : dir+16*i+16]
		off, n := int(be.Uint32(rec[8:12])), int(be.Uint32(rec[12:16]))
		if off < 0 || n < 0 || off+n > len(data) {
			return nil, bad
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		o := out[12+16*i : 12+16*i+16]
		copy(o, rec[:8]) // tag, checksum
		be.PutUint32(o[8:12], uint32(len(out)))
		be.PutUint32(o[12:16], uint32(n))
		out = append(out, data[off:off+n]...)
	}
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	return out, nil
}
