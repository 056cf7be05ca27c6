package evidence

import (
	"bytes"
	"encoding/binary"
	"strings"
	"time"
)

// imageMeta is what a photo's EXIF says of where it came from: a photo's
// capture time often dates the first leak.
type imageMeta struct {
	CapturedAt *time.Time
	Device     string
}

// EXIF tags read here.
const (
	tagMake             = 0x010F
	tagModel            = 0x0110
	tagDateTime         = 0x0132
	tagExifIFD          = 0x8769
	tagDateTimeOriginal = 0x9003
	tagOffsetOriginal   = 0x9011
	typeASCII           = 2
	typeLong            = 4
)

// readEXIF reads the capture time and camera of a JPEG from its first bytes
// (EXIF sits in the APP1 segment at the start). Anything malformed is ignored.
func readEXIF(head []byte) (imageMeta, bool) {
	tiff := exifSegment(head)
	if len(tiff) < 8 {
		return imageMeta{}, false
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return imageMeta{}, false
	}
	ifd0 := readIFD(tiff, order, order.Uint32(tiff[4:8]))
	meta := imageMeta{Device: strings.TrimSpace(strings.TrimSpace(ifd0[tagMake]) + " " + strings.TrimSpace(ifd0[tagModel]))}
	taken, offset := ifd0[tagDateTime], ""
	if ptr, ok := ifd0[tagExifIFD]; ok && len(ptr) == 4 {
		sub := readIFD(tiff, order, order.Uint32([]byte(ptr)))
		if v := sub[tagDateTimeOriginal]; v != "" {
			taken = v
		}
		offset = sub[tagOffsetOriginal]
	}
	if t, err := parseEXIFTime(taken, offset); err == nil {
		meta.CapturedAt = &t
	}
	return meta, meta.CapturedAt != nil || meta.Device != ""
}

// exifSegment returns the TIFF data of a JPEG's EXIF APP1 segment, or nil.
func exifSegment(b []byte) []byte {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil
	}
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		marker, size := b[i+1], int(binary.BigEndian.Uint16(b[i+2:i+4]))
		end := i + 2 + size
		if size < 2 || end > len(b) {
			return nil
		}
		if marker == 0xE1 && bytes.HasPrefix(b[i+4:end], []byte("Exif\x00\x00")) {
			return b[i+10 : end]
		}
		if marker == 0xDA { // image data begins; no EXIF before it
			return nil
		}
		i = end
	}
	return nil
}

// readIFD returns the ASCII values and LONG pointers of one IFD by tag (a
// pointer as its four raw bytes).
func readIFD(tiff []byte, order binary.ByteOrder, at uint32) map[uint16]string {
	out := map[uint16]string{}
	if int(at)+2 > len(tiff) {
		return out
	}
	n := int(order.Uint16(tiff[at:]))
	for k := range n {
		e := int(at) + 2 + 12*k
		if e+12 > len(tiff) {
			break
		}
		tag, typ, count := order.Uint16(tiff[e:]), order.Uint16(tiff[e+2:]), order.Uint32(tiff[e+4:])
		value := tiff[e+8 : e+12]
		switch {
		case typ == typeLong && count == 1:
			out[tag] = string(value)
		case typ == typeASCII && count <= 4:
			out[tag] = strings.TrimRight(string(value[:count]), "\x00")
		case typ == typeASCII && count < 1024:
			off := order.Uint32(value)
			if int(off)+int(count) <= len(tiff) {
				out[tag] = strings.TrimRight(string(tiff[off:off+count]), "\x00")
			}
		}
	}
	return out
}

// parseEXIFTime reads "2006:01:02 15:04:05" with an optional "+08:00" offset
// (UTC when the camera recorded none).
func parseEXIFTime(value, offset string) (time.Time, error) {
	if offset != "" {
		return time.Parse("2006:01:02 15:04:05-07:00", value+offset)
	}
	return time.Parse("2006:01:02 15:04:05", value)
}
