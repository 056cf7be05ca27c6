package reconstruct

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nfnt/resize"

	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/leaktrail/leaktrail/internal/racing"
)

// The property with pictures: every post of a generated cascade
// carries one leaked picture, as the poster's app left it — the same file,
// re-compressed and rescaled, cropped, brightened, or photographed off a
// screen — or quotes a sentence of it; unrelated pictures are posted in the
// same chats. Each post is matched with fingerprint.Matcher as an import
// would, and only the matches are fed to Reconstruct.

// imgSize is the side of the generated pictures: small, for speed.
const imgSize = 256

// leakSentence is the sentence of the leaked item some posts quote, inside
// chatter of their own.
const leakSentence = "各单位要在本月底前完成涉密载体清查并将结果报送保密办"

// drawPicture draws a picture: a background, shapes and rows of word marks,
// different for every seed.
func drawPicture(seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 23))
	img := image.NewRGBA(image.Rect(0, 0, imgSize, imgSize))
	rc := func() color.RGBA {
		return color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	}
	draw.Draw(img, img.Bounds(), image.NewUniform(rc()), image.Point{}, draw.Src)
	for range 3 + rng.IntN(4) {
		x, y := rng.IntN(imgSize), rng.IntN(imgSize)
		draw.Draw(img, image.Rect(x, y, x+16+rng.IntN(imgSize/2), y+16+rng.IntN(imgSize/2)), image.NewUniform(rc()), image.Point{}, draw.Src)
	}
	ink := image.NewUniform(color.RGBA{20, 20, 20, 255})
	bx, by := rng.IntN(imgSize/2), rng.IntN(imgSize/2)
	for line := range 4 + rng.IntN(5) {
		for x, y := bx, by+line*12; x < imgSize-8 && rng.IntN(10) > 0; {
			w := 5 + rng.IntN(24)
			draw.Draw(img, image.Rect(x, y, x+w, y+8), ink, image.Point{}, draw.Src)
			x += w + 4
		}
	}
	return img
}

// A copy is the bytes of a posted picture: encoded as it travels.
func encodePNG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// transforms are what a picture goes through between two chats.
var transforms = []string{"exact", "recompressed", "cropped", "brightened", "rephotographed"}

// transform returns the bytes of img after the named change, its parameters
// drawn from rng.
func transform(t testing.TB, rng *rand.Rand, img *image.RGBA, name string) []byte {
	switch name {
	case "recompressed":
		// Quality 30–90, rescaled 50–200 %.
		pct := 50 + rng.IntN(151)
		side := uint(imgSize * pct / 100)
		return encodeJPEG(t, resize.Resize(side, side, img, resize.Bilinear), 30+rng.IntN(61))
	case "cropped":
		// 2–5 % of the width and height, as a screenshot's edges trimmed
		// (fingerprint's robustness test crops the same way).
		cut := imgSize * (2 + rng.IntN(4)) / 200
		r := image.Rect(cut, cut, imgSize-cut, imgSize-cut)
		out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
		return encodeJPEG(t, out, 85)
	case "brightened":
		delta := (10 + rng.IntN(31)) * (1 - 2*rng.IntN(2))
		out := image.NewRGBA(img.Bounds())
		for i, v := range img.Pix {
			if i%4 == 3 {
				out.Pix[i] = v
				continue
			}
			out.Pix[i] = uint8(max(0, min(255, int(v)+delta)))
		}
		return encodeJPEG(t, out, 85)
	case "rephotographed":
		return encodeJPEG(t, rephotograph(rng, img), 70+rng.IntN(21))
	}
	return encodePNG(t, img)
}

// rephotograph simulates a phone photographing a screen: the picture turned
// by up to 3°, a slight keystone, the screen's moiré and sensor noise, and
// the camera's gamma.
func rephotograph(rng *rand.Rand, img *image.RGBA) *image.RGBA {
	angle := (rng.Float64()*6 - 3) * math.Pi / 180
	keystone := (rng.Float64()*2 - 1) * 0.03 // the top narrower or wider than the bottom
	gamma := 0.8 + rng.Float64()*0.4
	fx, fy := 0.6+rng.Float64()*0.8, 0.6+rng.Float64()*0.8
	moire := 4 + rng.Float64()*6
	sin, cos := math.Sincos(angle)
	c := float64(imgSize-1) / 2
	out := image.NewRGBA(img.Bounds())
	at := func(x, y, ch int) float64 {
		x, y = max(0, min(imgSize-1, x)), max(0, min(imgSize-1, y))
		return float64(img.Pix[y*img.Stride+x*4+ch])
	}
	for y := range imgSize {
		for x := range imgSize {
			// Where this output pixel comes from in the picture.
			dx, dy := float64(x)-c, float64(y)-c
			dx *= 1 + keystone*dy/c
			sx, sy := c+dx*cos-dy*sin, c+dx*sin+dy*cos
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			ax, ay := sx-float64(x0), sy-float64(y0)
			wave := moire * math.Sin(float64(x)*fx) * math.Sin(float64(y)*fy)
			for ch := range 3 {
				v := (at(x0, y0, ch)*(1-ax)+at(x0+1, y0, ch)*ax)*(1-ay) + (at(x0, y0+1, ch)*(1-ax)+at(x0+1, y0+1, ch)*ax)*ay
				v = 255*math.Pow(v/255, gamma) + wave + rng.NormFloat64()*3
				out.Pix[y*out.Stride+x*4+ch] = uint8(max(0, min(255, math.Round(v))))
			}
			out.Pix[y*out.Stride+x*4+3] = 255
		}
	}
	return out
}

// media describes posted bytes as an export's media would, once imported:
// the file's digest and, the image decoded, its hashes.
func media(t testing.TB, data []byte) fingerprint.Media {
	h, err := fingerprint.HashImage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return fingerprint.Media{SHA256: hex.EncodeToString(sum[:]), Image: &h}
}

// matchKind is how an import records the matcher's best way.
func matchKind(ss []fingerprint.Sighting) (MatchKind, float64, bool) {
	kind, score := MatchKind(""), 0.0
	for _, s := range ss {
		switch s.Kind {
		case fingerprint.KindFileExact, fingerprint.KindMD5, fingerprint.KindTextExact:
			return Exact, 1, true
		case fingerprint.KindImageSimilar:
			kind, score = ImageSimilar, s.Score
		default:
			if kind == "" {
				kind, score = TextSimilar, s.Score
			}
		}
	}
	return kind, score, kind != ""
}

// imageRun is one pass over the cascades: the posts' copies drawn by pick.
type imageRun struct {
	correct, proposed, shown int
	// per transform: copies matched and copies posted; unrelated pictures
	// matched and posted
	found, posted    map[string]int
	falseHit, others int
	// the farthest pHash and dHash distances of a copy, per transform, and
	// the nearest of an unrelated picture
	far  map[string][2]int
	near [2]int
}

func distances(a, b fingerprint.ImageHashes) (p, d int) {
	return bits.OnesCount64(a.PHash ^ b.PHash), bits.OnesCount64(a.DHash ^ b.DHash)
}

// runImageCascades generates cascades, posts in them the leaked picture as
// pick says and unrelated pictures beside it, matches every post and scores
// the reconstruction on the hops the exports show.
func runImageCascades(t *testing.T, cascades int, pick func(rng *rand.Rand) string, perCascade func(seed uint64, precision, recall float64, shown int)) imageRun {
	t.Helper()
	// Unrelated pictures, each gone through a change of its own.
	var others []fingerprint.Media
	prng := rand.New(rand.NewPCG(7, 7))
	for i := range 48 {
		others = append(others, media(t, transform(t, prng, drawPicture(uint64(100+i)), transforms[i%len(transforms)])))
	}
	run := imageRun{found: map[string]int{}, posted: map[string]int{}, far: map[string][2]int{}, near: [2]int{64, 64}}
	for seed := range uint64(cascades) {
		// Each cascade leaks a picture of its own.
		leak := drawPicture(1000 + seed)
		original := encodePNG(t, leak)
		sums, err := fingerprint.SumFile(bytes.NewReader(original))
		if err != nil {
			t.Fatal(err)
		}
		hashes := *media(t, original).Image
		matcher := fingerprint.NewMatcher(fingerprint.Item{Files: []fingerprint.FileSums{sums}, Images: []fingerprint.ImageHashes{hashes}, Phrases: []string{leakSentence}})
		c := generate(seed, 12+int(seed%20), 4+int(seed%8), 0.4+0.6*float64(seed%5)/4)
		rng := rand.New(rand.NewPCG(seed, 99))
		var matched, negatives []Sighting
		for _, s := range c.sightings {
			var msg fingerprint.Message
			how := "quoted"
			if rng.IntN(8) == 0 {
				msg.Text = "转一下：" + leakSentence + "，大家注意"
			} else {
				how = pick(rng)
				msg.Media = []fingerprint.Media{media(t, transform(t, rng, leak, how))}
				p, d := distances(hashes, *msg.Media[0].Image)
				far := run.far[how]
				run.far[how] = [2]int{max(far[0], p), max(far[1], d)}
			}
			run.posted[how]++
			kind, score, ok := matchKind(matcher.Match(msg))
			if !ok {
				continue
			}
			run.found[how]++
			s.Match, s.Score = kind, score
			matched = append(matched, s)
		}
		// Unrelated pictures and chatter, posted by members of the exported
		// chats around the cascade's time.
		for i, m := range c.members {
			if rng.IntN(3) > 0 {
				continue
			}
			s := Sighting{ID: fmt.Sprintf("n%05d", i), Chat: Chat{ID: m.Chat}, Sender: m.Person,
				At: t0.Add(time.Duration(rng.IntN(600)) * time.Minute), Source: Source{"ev-" + m.Chat, 10_000 + i}}
			for _, o := range c.sightings {
				if o.Chat.ID == m.Chat {
					s.Chat = o.Chat
					break
				}
			}
			run.others++
			msg := fingerprint.Message{Text: "收到，谢谢", Media: []fingerprint.Media{others[rng.IntN(len(others))]}}
			p, d := distances(hashes, *msg.Media[0].Image)
			run.near = [2]int{min(run.near[0], p), min(run.near[1], d)}
			if kind, score, ok := matchKind(matcher.Match(msg)); ok {
				run.falseHit++
				s.Match, s.Score = kind, score
				negatives = append(negatives, s)
			}
		}
		c.sightings = append(c.sightings, negatives...)
		matched = append(matched, negatives...)
		correct, proposed, shown := c.counts(Reconstruct(matched, c.members))
		run.correct, run.proposed, run.shown = run.correct+correct, run.proposed+proposed, run.shown+shown
		if perCascade != nil {
			p, r := ratio(correct, proposed), ratio(correct, shown)
			perCascade(seed, p, r, shown)
		}
	}
	return run
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (r imageRun) log(t *testing.T, label string) (precision, recall float64) {
	t.Helper()
	precision, recall = ratio(r.correct, r.proposed), ratio(r.correct, r.shown)
	t.Logf("%s: hops precision %.3f recall %.3f (%d correct, %d proposed, %d shown); unrelated pictures matched %d of %d, nearest at pHash %d dHash %d",
		label, precision, recall, r.correct, r.proposed, r.shown, r.falseHit, r.others, r.near[0], r.near[1])
	for _, how := range append([]string{"quoted"}, transforms...) {
		switch {
		case r.posted[how] == 0:
		case how == "quoted":
			t.Logf("  %-15s copies matched %d of %d", how, r.found[how], r.posted[how])
		default:
			t.Logf("  %-15s copies matched %d of %d (%.3f), farthest at pHash %d dHash %d", how, r.found[how], r.posted[how],
				ratio(r.found[how], r.posted[how]), r.far[how][0], r.far[how][1])
		}
	}
	return precision, recall
}

// Exact copies (the same file, or the sentence quoted) beside unrelated
// pictures: the reconstruction equals the generated chain on every hop the
// exports show.
func TestReconstructsCascadesOfExactCopies(t *testing.T) {
	cascades := 30
	switch {
	case racing.Enabled:
		cascades = 4
	case testing.Short():
		cascades = 8
	}
	r := runImageCascades(t, cascades, func(*rand.Rand) string { return "exact" }, func(seed uint64, p, rec float64, shown int) {
		if p != 1 || rec != 1 {
			t.Errorf("seed %d: precision %.3f recall %.3f over %d shown hops", seed, p, rec, shown)
		}
	})
	r.log(t, "exact copies")
	if r.falseHit > 0 {
		t.Errorf("%d unrelated pictures matched", r.falseHit)
	}
}

// Copies changed on the way — re-compressed and rescaled, cropped,
// brightened, re-photographed — in equal shares: precision and recall over
// a few hundred shown hops at least 0.95 each.
func TestReconstructsCascadesOfChangedCopies(t *testing.T) {
	cascades := 45
	switch {
	case racing.Enabled:
		cascades = 6
	case testing.Short():
		cascades = 12
	}
	r := runImageCascades(t, cascades, func(rng *rand.Rand) string { return transforms[1+rng.IntN(len(transforms)-1)] }, nil)
	precision, recall := r.log(t, "changed copies")
	if !testing.Short() && !racing.Enabled && r.shown < 200 {
		t.Errorf("only %d shown hops", r.shown)
	}
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("precision %.3f recall %.3f, want both ≥ 0.95", precision, recall)
	}
	if r.falseHit > 0 {
		t.Errorf("%d unrelated pictures matched", r.falseHit)
	}
}
