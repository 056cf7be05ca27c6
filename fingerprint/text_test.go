package fingerprint

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"国办发〔2021〕3号", "国办发[2021]3号"},
		{"国办发 [2021] 3 号", "国办发[2021]3号"},
		{"国办发【２０２１】３号", "国办发[2021]3号"},
		{"国办发（2021）3号", "国办发[2021]3号"},
		{"国办发［2021］3号", "国办发[2021]3号"},
		{"ＡＢＣ１２３", "abc123"},                        // full-width forms
		{"關於加強保密工作的通知", "关于加强保密工作的通知"},              // traditional → simplified
		{"關於 加強\u3000保密\n工作，的「通知」。", "关于加强保密工作的通知"}, // whitespace, ideographic space, punctuation
		{"國務院辦公廳", "国务院办公厅"},
		{"Top SECRET!", "topsecret"},
		{"", ""},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDocNumbers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"国办发〔2021〕3号", []string{"国办发〔2021〕3号"}},
		{"根据国办发〔2021〕3号文件精神", []string{"国办发〔2021〕3号"}},
		{"关于印发《保密工作要点》的通知（保密〔2019〕12号）", []string{"保密〔2019〕12号"}},
		{"见 保密 [ 2019 ] 12 号", []string{"保密〔2019〕12号"}},
		{"〔2021〕3号", []string{"〔2021〕3号"}},
		{"國辦發【２０２１】第03號", []string{"国办发〔2021〕3号"}},
		{"国办发〔2021〕3号和国办发〔2021〕3号及京政发[2020]15号", []string{"国办发〔2021〕3号", "京政发〔2020〕15号"}},
		{"2021年3号楼", nil},
		{"会议在3号会议室", nil},
	} {
		var got []string
		for _, d := range DocNumbers(tc.in) {
			got = append(got, d.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("DocNumbers(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// leakedText is the text of a leaked item for the matcher tests.
const leakedText = "国务院办公厅关于进一步加强涉密文件管理工作的通知（国办发〔2021〕3号）。" +
	"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：为切实做好涉密文件的流转和保管，" +
	"防止国家秘密泄露，经国务院同意，现就有关事项通知如下。一、严格涉密文件的复制审批，未经批准不得擅自复制、摘抄。" +
	"二、涉密载体必须在指定的保密室存放，每季度由专人清点核对并登记造册。"

// variantRunes are the ways a retyped or forwarded text differs from the original: full-width
// letters and digits, traditional characters, spaces.
var variantRunes = map[rune][]string{
	'国': {"國"}, '务': {"務"}, '办': {"辦"}, '关': {"關"}, '进': {"進"}, '强': {"強"}, '复': {"複", "復"},
	'制': {"製"}, '专': {"專"}, '门': {"門"}, '载': {"載"}, '体': {"體"}, '须': {"須"}, '记': {"記"},
	'1': {"１"}, '2': {"２"}, '3': {"３"}, '0': {"０"}, '。': {"．", "."}, '，': {",", "､"},
}

// disguise rewrites a text the way a person forwarding it might.
func disguise(rnd *rand.Rand, s string) string {
	var b strings.Builder
	for _, r := range s {
		if vs, ok := variantRunes[r]; ok && rnd.IntN(2) == 0 {
			b.WriteString(vs[rnd.IntN(len(vs))])
		} else {
			b.WriteRune(r)
		}
		if rnd.IntN(15) == 0 {
			b.WriteString([]string{" ", "\u3000", "\n"}[rnd.IntN(3)])
		}
	}
	return b.String()
}

// chatter is ordinary message text, unrelated to the item.
var chatter = []rune("今天下午开会的时间改到三点大家记得带电脑楼下食堂新开了一家面馆味道不错周末去爬山吗天气预报说会下雨收到好的明白谢谢领导辛苦了")

func randomChatter(rnd *rand.Rand, n int) string {
	r := make([]rune, n)
	for i := range r {
		r[i] = chatter[rnd.IntN(len(chatter))]
	}
	return string(r)
}

// TestPartialQuoteProperty: a random distinctive sentence of the item, disguised and embedded in
// random chatter, is found; random chatter alone is not.
func TestPartialQuoteProperty(t *testing.T) {
	for r, vs := range variantRunes {
		for _, v := range vs {
			if Normalize(v) != Normalize(string(r)) {
				t.Fatalf("variant %q of %q normalises apart", v, r)
			}
		}
	}
	m := NewMatcher(Item{Text: leakedText})
	src := []rune(Normalize(leakedText))
	rnd := rand.New(rand.NewPCG(4, 17))
	for i := range 500 {
		// A distinctive sentence, not a piece of the document number (matched as such).
		start := rnd.IntN(len(src) - 20)
		quote := string(src[start : start+12+rnd.IntN(8)])
		if strings.ContainsAny(quote, "[]") {
			continue
		}
		msg := randomChatter(rnd, rnd.IntN(12)) + disguise(rnd, quote) + randomChatter(rnd, rnd.IntN(12))
		if !hasKind(m.Match(Message{Text: msg}), KindTextExact, KindTextPartial) {
			t.Fatalf("case %d: quote %q in %q not found", i, quote, msg)
		}
		unrelated := randomChatter(rnd, 5+rnd.IntN(60))
		if s := m.Match(Message{Text: unrelated}); len(s) > 0 {
			t.Fatalf("case %d: unrelated %q matched: %+v", i, unrelated, s)
		}
	}
}

func hasKind(ss []Sighting, kinds ...Kind) bool {
	for _, s := range ss {
		for _, k := range kinds {
			if s.Kind == k {
				return true
			}
		}
	}
	return false
}

// TestNormalizeFastPathIsNFKC: the fast path gives what NFKC followed by the rune mapping gives.
func TestNormalizeFastPathIsNFKC(t *testing.T) {
	pool := []rune("ａＺ０９（）［］【】〔〕，。、「」“”《》·—\u3000 \tAz09[](){}國辦發关于号!?,.")
	rnd := rand.New(rand.NewPCG(9, 9))
	for range 2000 {
		r := make([]rune, rnd.IntN(20))
		for i := range r {
			r[i] = pool[rnd.IntN(len(pool))]
		}
		s := string(r)
		for _, breaks := range []bool{false, true} {
			var b strings.Builder
			for _, r := range norm.NFKC.String(s) {
				writeNorm(&b, r, breaks)
			}
			if got, _ := normalize(s, breaks); got != b.String() {
				t.Fatalf("normalize(%q, %v) = %q, NFKC path %q", s, breaks, got, b.String())
			}
		}
	}
}
