package evidence

import "bytes"

// JPEGWithEXIF builds a minimal JPEG whose APP1 segment carries the make,
// model, original capture time and its offset (big-endian TIFF).
func JPEGWithEXIF(maker, model, taken, offset string) []byte {
	type entry struct {
		tag   uint16
		typ   uint16
		value []byte // ASCII with its NUL, or a LONG
	}
	ascii := func(s string) []byte { return append([]byte(s), 0) }
	be := func(b *bytes.Buffer, v any) {
		switch v := v.(type) {
		case uint16:
			b.Write([]byte{byte(v >> 8), byte(v)})
		case uint32:
			b.Write([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		}
	}
	// ifd writes entries at offset at, their long values after the entry table.
	ifd := func(at uint32, entries []entry) []byte {
		var table, data bytes.Buffer
		dataAt := at + 2 + uint32(12*len(entries)) + 4
		be(&table, uint16(len(entries)))
		for _, e := range entries {
			be(&table, e.tag)
			be(&table, e.typ)
			if e.typ == 4 {
				be(&table, uint32(1))
				table.Write(e.value)
				continue
			}
			be(&table, uint32(len(e.value)))
			be(&table, dataAt+uint32(data.Len()))
			data.Write(e.value)
		}
		be(&table, uint32(0))
		return append(table.Bytes(), data.Bytes()...)
	}
	exifAt := uint32(8)
	ifd0Size := len(ifd(exifAt, []entry{{0x010F, 2, ascii(maker)}, {0x0110, 2, ascii(model)}, {0x8769, 4, make4(0)}}))
	subAt := exifAt + uint32(ifd0Size)
	ifd0 := ifd(exifAt, []entry{{0x010F, 2, ascii(maker)}, {0x0110, 2, ascii(model)}, {0x8769, 4, make4(subAt)}})
	sub := ifd(subAt, []entry{{0x9003, 2, ascii(taken)}, {0x9011, 2, ascii(offset)}})
	tiff := append([]byte("MM\x00\x2a\x00\x00\x00\x08"), append(ifd0, sub...)...)
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	var out bytes.Buffer
	out.Write([]byte{0xFF, 0xD8, 0xFF, 0xE1})
	be(&out, uint16(len(app1)+2))
	out.Write(app1)
	out.Write([]byte{0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9})
	return out.Bytes()
}

func make4(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
