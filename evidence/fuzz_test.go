package evidence

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leaktrail/leaktrail/apperr"
)

// FuzzUploadMetadata feeds what an uploader controls — the file's details
// and its first bytes — to the checks and the EXIF reader: nothing panics,
// a refusal is INVALID_INPUT, and what passes is a safe file name.
func FuzzUploadMetadata(f *testing.F) {
	f.Add("群聊截图.jpg", "翻拍的明电", "Asia/Shanghai", JPEGWithEXIF("Apple", "iPhone 15", "2026:01:31 21:14:05", "+08:00"))
	f.Add("../../etc/passwd", "", "../../etc/localtime", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Add(" a\\b ", strings.Repeat("x", 5000), "Local", []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff"))
	f.Add("photo.png", "", "", []byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, fileName, description, timeZone string, head []byte) {
		if meta, ok := readEXIF(head); ok && meta.Device != "" && !utf8.ValidString(meta.Device) && len(meta.Device) > len(head) {
			t.Fatalf("device %q read from %d bytes", meta.Device, len(head))
		}
		d := Details{FileName: fileName, Description: description, TimeZone: timeZone}
		if err := d.Validate(); err != nil {
			if apperr.CodeOf(err) != apperr.InvalidInput {
				t.Fatalf("details %q %q: not INVALID_INPUT: %v", fileName, timeZone, err)
			}
			return
		}
		if d.FileName == "" || strings.ContainsAny(d.FileName, "/\\\x00") || utf8.RuneCountInString(d.FileName) > 255 {
			t.Fatalf("accepted the file name %q", d.FileName)
		}
		if d.TimeZone == "" || strings.Contains(d.TimeZone, "..") {
			t.Fatalf("accepted the time zone %q", d.TimeZone)
		}
	})
}
