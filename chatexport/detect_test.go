package chatexport

import (
	"os"
	"path/filepath"
	"testing"
)

// Every fixture is detected as its own format and no other: the detectors,
// written one format at a time, do not overlap.
func TestDetectionAcrossAllFormats(t *testing.T) {
	t.Parallel()
	want := map[string]Format{"line": LINE, "qq": QQ, "telegram": Telegram, "wechat_memotrace": WeChatMemo,
		"wechat_pywxdump": WeChatPyWxDump, "wecom": WeCom, "whatsapp": WhatsApp, "genericcsv": ""}
	files, err := filepath.Glob("testdata/*/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		dir := filepath.Base(filepath.Dir(f))
		format, known := want[dir]
		if !known {
			continue
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head := body[:min(len(body), 8<<10)]
		got, ok := Detect(head)
		if format == "" {
			if ok {
				t.Errorf("%s is detected as %s; a generic CSV needs its mapping", f, got)
			}
		} else if got != format {
			t.Errorf("%s is detected as %q, want %s", f, got, format)
		}
	}
}
