package chainfixture

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leaktrail/leaktrail/chatexport"
	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/reconstruct"
	"github.com/leaktrail/leaktrail/spread"
)

// TestChainsRebuiltFromExports runs each chain's exports through the pure
// pipeline — parse, link media by the names the chat file gives, match
// against the leaked photo and text, reconstruct — and expects exactly the
// manifest's hops.
func TestChainsRebuiltFromExports(t *testing.T) {
	t.Parallel()
	for _, c := range Chains() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			leak, err := fs.ReadFile(c.FS, c.Manifest.Leak)
			if err != nil {
				t.Fatal(err)
			}
			matcher := fingerprint.NewMatcher(fingerprint.Item{Images: []fingerprint.ImageHashes{hashImage(t, leak)}, Text: c.Manifest.Text})
			var sightings []reconstruct.Sighting
			var members []reconstruct.Membership
			for _, e := range c.Manifest.Exports {
				s, m := readExport(t, c.FS, e, matcher)
				sightings, members = append(sightings, s...), append(members, m...)
			}
			var got []Hop
			for _, p := range reconstruct.Reconstruct(sightings, members).Proposals {
				got = append(got, Hop{p.From, p.To, p.By})
			}
			if !slices.Equal(got, c.Manifest.Hops) {
				for _, x := range sightings {
					t.Logf("sighting %s %s %s %s %s", x.ID, x.At.Format(time.RFC3339), x.Chat.ID, x.Sender.Name, x.Match)
				}
				t.Errorf("hops:\n%v\nwant:\n%v", got, c.Manifest.Hops)
			}
		})
	}
}

// platforms are the spread platforms of the formats.
var platforms = map[chatexport.Format]spread.Platform{
	chatexport.WeChatPyWxDump: "WECHAT", chatexport.WeChatMemo: "WECHAT", chatexport.WeCom: "WECOM",
	chatexport.QQ: "QQ", chatexport.LINE: "LINE", chatexport.Telegram: "TELEGRAM", chatexport.WhatsApp: "WHATSAPP",
}

// export is one export being read: its folder (the chat file's, or the
// zip's root) and what its ids name.
type export struct {
	Export
	dir   fs.FS
	byMD5 map[string]string // media path by MD5, for exports that name media by digest
}

// readExport parses one export and returns its sightings of the leaked item
// and the memberships it shows.
func readExport(t *testing.T, chain fs.FS, e Export, matcher *fingerprint.Matcher) ([]reconstruct.Sighting, []reconstruct.Membership) {
	t.Helper()
	x := export{Export: e, byMD5: map[string]string{}}
	chatFile := e.Path
	if strings.HasSuffix(e.Path, ".zip") {
		data, err := fs.ReadFile(chain, e.Path)
		if err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		x.dir, chatFile = z, e.File
	} else {
		sub, err := fs.Sub(chain, path.Dir(e.Path))
		if err != nil {
			t.Fatal(err)
		}
		x.dir, chatFile = sub, path.Base(e.Path)
	}
	fs.WalkDir(x.dir, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != chatFile {
			x.byMD5[sums(t, x.dir, p).MD5] = p
		}
		return err
	})
	zone, err := time.LoadLocation(e.Zone)
	if err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(x.dir, chatFile)
	if err != nil {
		t.Fatal(err)
	}
	var sightings []reconstruct.Sighting
	var members []reconstruct.Membership
	res, err := chatexport.Parse(bytes.NewReader(data), chatexport.Options{Zone: zone}, func(m *chatexport.Message) error {
		chat := x.chat(m)
		src := reconstruct.Source{Evidence: e.Path, Line: m.Source.Line}
		member := func(p chatexport.Party) {
			if who := x.person(p); who.ID != "" {
				members = append(members, reconstruct.Membership{Chat: chat.ID, Person: who, Source: src})
			}
		}
		member(m.Sender)
		for _, p := range m.Members {
			member(p)
		}
		if chat.Direct {
			member(chatexport.Party{Name: e.CollectedFrom})
			member(chatexport.Party{ID: m.Chat.ID, Name: m.Chat.Name})
		}
		s := reconstruct.Sighting{Chat: chat, Sender: x.person(m.Sender), At: m.At, Source: src}
		if m.ForwardedFrom != nil {
			who := x.person(*m.ForwardedFrom)
			s.ForwardedFrom = &who
		}
		if kind, score := x.match(t, matcher, m); score > 0 {
			s.ID, s.Match, s.Score = fmt.Sprintf("%s:%d", e.Path, m.Source.Line), kind, score
			sightings = append(sightings, s)
		}
		for i, it := range m.Items {
			if kind, score := x.match(t, matcher, &it); score > 0 {
				b := s
				b.ID, b.Match, b.Score = fmt.Sprintf("%s:%d#%d", e.Path, m.Source.Line, i), kind, score
				b.Bundle = &reconstruct.Bundle{OriginSender: x.person(it.Sender), OriginAt: it.At}
				sightings = append(sightings, b)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", e.Path, err)
	}
	if res.Format != e.Format || len(res.Problems) > 0 {
		t.Errorf("%s: read as %s with problems %+v, want %s", e.Path, res.Format, res.Problems, e.Format)
	}
	return sightings, members
}

// person identifies a party across exports: the holder for the phone
// owner's 我, else whom the investigator identified its id or name as, else
// its display name.
func (x export) person(p chatexport.Party) reconstruct.Person {
	id := cmp.Or(x.Names[p.ID], x.Names[p.Name], p.Name, p.ID)
	if p.Name == "我" {
		id = x.CollectedFrom
	}
	name, _, _ := strings.Cut(id, "#")
	return reconstruct.Person{ID: id, Name: name}
}

// chat keys a chat across exports: a group by its platform and name, a
// private chat by its platform and the two people in it.
func (x export) chat(m *chatexport.Message) reconstruct.Chat {
	platform := platforms[x.Format]
	name := cmp.Or(x.Names[m.Chat.ID], x.Names[m.Chat.Name], m.Chat.Name, m.Chat.ID, x.Chat)
	if !m.Chat.Direct {
		return reconstruct.Chat{ID: string(platform) + ":group:" + name, Name: name, Platform: platform}
	}
	pair := []string{x.CollectedFrom, x.person(chatexport.Party{ID: m.Chat.ID, Name: m.Chat.Name}).ID}
	slices.Sort(pair)
	return reconstruct.Chat{ID: string(platform) + ":direct:" + strings.Join(pair, "|"), Name: name, Direct: true, Platform: platform}
}

// match returns how a message matches the leaked item, its media linked to
// the export's files by the path or name the chat file gives, or by MD5.
func (x export) match(t *testing.T, matcher *fingerprint.Matcher, m *chatexport.Message) (reconstruct.MatchKind, float64) {
	msg := fingerprint.Message{Text: m.Text}
	for _, md := range m.Media {
		p := x.byMD5[md.MD5]
		if md.Name != "" {
			p = path.Clean(strings.ReplaceAll(md.Name, `\`, "/"))
		}
		if p == "" {
			continue
		}
		data, err := fs.ReadFile(x.dir, p)
		if err != nil {
			t.Errorf("%s line %d: media %q: %v", x.Path, m.Source.Line, md.Name, err)
			continue
		}
		s := sums(t, x.dir, p)
		fm := fingerprint.Media{SHA256: s.SHA256, MD5: s.MD5}
		if m.Kind == chatexport.Image {
			h := hashImage(t, data)
			fm.Image = &h
		}
		msg.Media = append(msg.Media, fm)
	}
	kind, score := reconstruct.MatchKind(""), 0.0
	for _, s := range matcher.Match(msg) {
		k := reconstruct.TextSimilar
		switch s.Kind {
		case fingerprint.KindFileExact, fingerprint.KindMD5, fingerprint.KindTextExact:
			k = reconstruct.Exact
		case fingerprint.KindImageSimilar:
			k = reconstruct.ImageSimilar
		}
		if s.Score > score {
			kind, score = k, s.Score
		}
	}
	return kind, score
}

func sums(t *testing.T, dir fs.FS, p string) fingerprint.FileSums {
	f, err := dir.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := fingerprint.SumFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hashImage(t *testing.T, data []byte) fingerprint.ImageHashes {
	h, err := fingerprint.HashImage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return h
}
