package fingerprint

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSumFile(t *testing.T) {
	// A one-byte-at-a-time reader: the sums do not depend on how the stream arrives.
	s, err := SumFile(iotest.OneByteReader(strings.NewReader("abc")))
	if err != nil {
		t.Fatal(err)
	}
	want := FileSums{
		SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		MD5:    "900150983cd24fb0d6963f7d28e17f72",
		Size:   3,
	}
	if s != want {
		t.Fatalf("SumFile = %+v, want %+v", s, want)
	}
	if _, err := SumFile(iotest.ErrReader(fmt.Errorf("disk"))); err == nil {
		t.Fatal("read error swallowed")
	}
}

func TestMatcher(t *testing.T) {
	file := FileSums{SHA256: strings.Repeat("ab", 32), MD5: strings.Repeat("cd", 16)}
	photo := mustHash(t, genImage(7))
	m := NewMatcher(Item{
		Files:   []FileSums{file},
		Images:  []ImageHashes{photo},
		Text:    leakedText,
		Phrases: []string{"关于进一步加强涉密文件管理工作的通知"},
	})
	copyOfPhoto := mustHash(t, reencode(t, scale(genImage(7), 50), 40))
	otherPhoto := mustHash(t, genImage(8))
	for _, tc := range []struct {
		name  string
		msg   Message
		want  Kind
		score float64 // 0: any
	}{
		{"same file", Message{Media: []Media{{SHA256: strings.ToUpper(file.SHA256), MD5: file.MD5}}}, KindFileExact, 1},
		{"md5 only", Message{Media: []Media{{MD5: file.MD5}}}, KindMD5, 1},
		{"re-sent photo", Message{Media: []Media{{Image: &copyOfPhoto}}}, KindImageSimilar, 0},
		{"title in traditional script", Message{Text: "大家看看這個：關於進一步加強涉密文件管理工作的通知"}, KindTextExact, 1},
		{"verbatim sentence", Message{Text: "防止国家秘密泄露，经国务院同意"}, KindTextExact, 1},
		{"document number", Message{Text: "国办发〔2021〕3号出来了"}, KindDocNumber, 1},
		{"document number, spaced full-width", Message{Text: "國辦發 【２０２１】 3 號"}, KindDocNumber, 1},
		{"bare document number", Message{Text: "2021年的3号文看了吗，〔2021〕3号"}, KindDocNumber, DocNumberBareScore},
		{"retyped excerpt", Message{Text: "涉密载体必须在指定保密室存放，每季度由专人清点核对"}, KindTextPartial, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss := m.Match(tc.msg)
			for _, s := range ss {
				if s.Kind == tc.want {
					if tc.score != 0 && s.Score != tc.score {
						t.Fatalf("score %v, want %v: %+v", s.Score, tc.score, s)
					}
					if s.Score <= 0 || s.Score > 1 {
						t.Fatalf("score out of range: %+v", s)
					}
					return
				}
			}
			t.Fatalf("no %s sighting in %+v", tc.want, ss)
		})
	}
	for _, msg := range []Message{
		{Text: "收到"},
		{Text: "国办发〔2020〕3号"}, // another year
		{Text: "京政发〔2021〕3号"}, // another issuer
		{Text: "今天下午三点开会，请准时参加"},
		{Text: "关于加强财务管理工作的通知"}, // a title of the same shape
		{Media: []Media{{SHA256: strings.Repeat("00", 32), MD5: strings.Repeat("11", 16)}}},
		{Media: []Media{{Image: &otherPhoto}}},
	} {
		if ss := m.Match(msg); len(ss) > 0 {
			t.Errorf("%+v matched: %+v", msg, ss)
		}
	}
}

// BenchmarkMatch scores short chat messages, a few of which quote the item, against a matcher.
// The s/million metric is the time for a million messages on one core.
func BenchmarkMatch(b *testing.B) {
	m := NewMatcher(Item{
		Files:   []FileSums{{SHA256: strings.Repeat("ab", 32), MD5: strings.Repeat("cd", 16)}},
		Text:    leakedText,
		Phrases: []string{"关于进一步加强涉密文件管理工作的通知"},
	})
	rnd := rand.New(rand.NewPCG(1, 2))
	msgs := make([]Message, 4096)
	for i := range msgs {
		text := randomChatter(rnd, 4+rnd.IntN(30))
		if i%50 == 0 {
			text += "国办发〔2021〕3号"
		}
		msgs[i] = Message{Text: text}
		if i%10 == 0 {
			msgs[i].Media = []Media{{MD5: fmt.Sprintf("%032x", i)}}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		m.Match(msgs[i%len(msgs)])
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1e6, "s/million")
}
