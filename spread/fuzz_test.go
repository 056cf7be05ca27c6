package spread

import (
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/apperr"
)

// FuzzParseForwards feeds any bytes to the CSV/JSONL import and then to the
// batch checks: nothing panics, and a refusal is INVALID_INPUT naming the
// line or the row at fault.
func FuzzParseForwards(f *testing.F) {
	f.Add([]byte("key,at,method,from_key,from_kind,to_key,to_kind,to_exposure,to_member_count,by_key,alterations\n" +
		"u1,2026-02-03T09:00:00+08:00,PHOTO,p:甲,PERSON,p:乙,PERSON,,,p:甲,\n" +
		"u2,2026-02-03T10:00:00+08:00,POST,p:乙,PERSON,g:群,GROUP_CHAT,EXTERNAL,88,p:乙,CLASSIFICATION_MARK_COVERED;DOCUMENT_NUMBER_CROPPED\n"))
	f.Add([]byte(`{"key":"u3","at":"2026-02-03T11:00:00+08:00","method":"FORWARD","from":{"key":"g:群","kind":"GROUP_CHAT"},"to":{"key":"p:丙","kind":"PERSON"},"by":{"key":"p:丙","kind":"PERSON"}}` + "\n"))
	f.Add([]byte("key,at\n\"unterminated,1\n"))
	f.Add([]byte(`{"key":1}` + "\n" + `{"key":"x","to":{"memberCount":-5}}`))
	f.Add([]byte("\n\n \t"))
	s := &Service{}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseForwards(strings.NewReader(string(data)), 0, time.UTC)
		if err != nil {
			if apperr.CodeOf(err) != apperr.InvalidInput {
				t.Fatalf("the import's refusal is not INVALID_INPUT: %v", err)
			}
			return
		}
		if err := s.Validate(rows); err != nil && apperr.CodeOf(err) != apperr.InvalidInput {
			t.Fatalf("the batch's refusal is not INVALID_INPUT: %v", err)
		}
	})
}
