package zone

import (
	"testing"
	"time"
)

func TestLoadRemembersZonesThatExist(t *testing.T) {
	for _, name := range []string{"Asia/Shanghai", "Asia/Taipei", "UTC", "Local", ""} {
		want, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := Load(name)
			if err != nil || got.String() != want.String() {
				t.Fatalf("Load(%q) = %v, %v; want %v", name, got, err, want)
			}
		}
	}
	for _, bad := range []string{"Asia/Nowhere", "../etc/passwd"} {
		if _, err := Load(bad); err == nil {
			t.Errorf("Load(%q) found a zone", bad)
		}
		if _, ok := loaded.Load(bad); ok {
			t.Errorf("%q is remembered", bad)
		}
	}
}
