package fingerprint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/nfnt/resize"

	"github.com/leaktrail/leaktrail/internal/racing"
)

// genImage draws a picture of the kind that leaks: a coloured background, a few shapes and
// text-like blocks (rows of dark word marks), different for every seed.
func genImage(seed uint64) *image.RGBA {
	rnd := rand.New(rand.NewPCG(seed, 17))
	w, h := 320+rnd.IntN(160), 240+rnd.IntN(160)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rc := func() color.RGBA {
		return color.RGBA{uint8(rnd.IntN(256)), uint8(rnd.IntN(256)), uint8(rnd.IntN(256)), 255}
	}
	draw.Draw(img, img.Bounds(), image.NewUniform(rc()), image.Point{}, draw.Src)
	for range 3 + rnd.IntN(4) {
		x, y := rnd.IntN(w), rnd.IntN(h)
		r := image.Rect(x, y, x+20+rnd.IntN(w/2), y+20+rnd.IntN(h/2))
		draw.Draw(img, r, image.NewUniform(rc()), image.Point{}, draw.Src)
	}
	ink := image.NewUniform(color.RGBA{20, 20, 20, 255})
	bx, by := rnd.IntN(w/2), rnd.IntN(h/2)
	for line := range 4 + rnd.IntN(6) {
		x := bx
		y := by + line*14
		for x < w-10 && rnd.IntN(12) > 0 {
			ww := 6 + rnd.IntN(30)
			draw.Draw(img, image.Rect(x, y, x+ww, y+9), ink, image.Point{}, draw.Src)
			x += ww + 5
		}
	}
	return img
}

// genPage draws a photographed page of a document: black word marks in lines on white, the
// hardest negatives, as two pages of text look alike to a perceptual hash.
func genPage(seed uint64) *image.RGBA {
	rnd := rand.New(rand.NewPCG(seed, 5))
	w, h := 420, 594
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	ink := image.NewUniform(color.RGBA{20, 20, 20, 255})
	for y := 40; y < h-40; y += 16 {
		if rnd.IntN(8) == 0 {
			continue
		}
		x := 40
		end := w - 40 - rnd.IntN(4)*rnd.IntN(100)
		for x < end {
			ww := 8 + rnd.IntN(40)
			draw.Draw(img, image.Rect(x, y, min(x+ww, end), y+10), ink, image.Point{}, draw.Src)
			x += ww + 6
		}
	}
	return img
}

func reencode(t testing.TB, img image.Image, quality int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func crop(img image.Image, pct int) image.Image {
	b := img.Bounds()
	dx, dy := b.Dx()*pct/200, b.Dy()*pct/200
	r := image.Rect(b.Min.X+dx, b.Min.Y+dy, b.Max.X-dx, b.Max.Y-dy)
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

func brighten(img image.Image, delta int) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(b)
	clamp := func(v uint32) uint8 { return uint8(max(0, min(255, int(v>>8)+delta))) }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			out.Set(x, y, color.RGBA{clamp(r), clamp(g), clamp(bb), 255})
		}
	}
	return out
}

func scale(img image.Image, pct int) image.Image {
	b := img.Bounds()
	return resize.Resize(uint(b.Dx()*pct/100), uint(b.Dy()*pct/100), img, resize.Bilinear)
}

// variants are the changes a leaked picture goes through on its way across apps.
func variants(t testing.TB, img image.Image) map[string]image.Image {
	return map[string]image.Image{
		"jpeg30": reencode(t, img, 30), "jpeg60": reencode(t, img, 60), "jpeg90": reencode(t, img, 90),
		"scale50": scale(img, 50), "scale75": scale(img, 75), "scale150": scale(img, 150), "scale200": scale(img, 200),
		"crop2": crop(img, 2), "crop5": crop(img, 5),
		"bright+25": brighten(img, 25), "bright-25": brighten(img, -25),
		"scale50+jpeg40": reencode(t, scale(img, 50), 40),
	}
}

func mustHash(t testing.TB, img image.Image) ImageHashes {
	h, err := HashDecoded(img)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestImageRobustness measures the precision and recall of SimilarImages: every variant of an
// image must match it, and no variant of another image may.
func TestImageRobustness(t *testing.T) {
	pictures, pages := 30, 15
	if testing.Short() || racing.Enabled {
		pictures, pages = 8, 4
	}
	n := pictures + pages
	bases := make([]ImageHashes, n)
	vars := make([]map[string]ImageHashes, n)
	for i := range n {
		var img image.Image = genImage(uint64(i))
		if i >= pictures {
			img = genPage(uint64(i))
		}
		bases[i] = mustHash(t, img)
		vars[i] = map[string]ImageHashes{}
		for name, v := range variants(t, img) {
			vars[i][name] = mustHash(t, v)
		}
	}
	var tp, fn, fp, tn int
	var maxP, maxD, minNegP, minNegD = 0, 0, 64, 64
	for i := range n {
		for name, v := range vars[i] {
			p, d := imageDistances(bases[i], v)
			maxP, maxD = max(maxP, p), max(maxD, d)
			if _, ok := SimilarImages(bases[i], v); ok {
				tp++
			} else {
				fn++
				t.Logf("missed: image %d %s (pHash %d, dHash %d)", i, name, p, d)
			}
		}
		for j := range n {
			if j == i {
				continue
			}
			others := []ImageHashes{bases[j], vars[j]["jpeg60"], vars[j]["scale50"], vars[j]["crop5"]}
			for _, o := range others {
				p, d := imageDistances(bases[i], o)
				minNegP, minNegD = min(minNegP, p), min(minNegD, d)
				if _, ok := SimilarImages(bases[i], o); ok {
					fp++
					t.Logf("false match: image %d ~ %d (pHash %d, dHash %d)", i, j, p, d)
				} else {
					tn++
				}
			}
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("positives %d (max pHash %d, dHash %d), negatives %d (min pHash %d, dHash %d)", tp+fn, maxP, maxD, fp+tn, minNegP, minNegD)
	t.Logf("precision %.4f, recall %.4f (tp %d, fn %d, fp %d, tn %d)", precision, recall, tp, fn, fp, tn)
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("precision %.4f, recall %.4f; want both ≥ 0.95", precision, recall)
	}
}

func TestHashImageRejectsHugeCanvas(t *testing.T) {
	// A PNG whose header declares 20000×20000 pixels: refused before any pixel is decoded.
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// IHDR width and height follow the 8-byte signature, the chunk length and type.
	copy(b[16:24], []byte{0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20})
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	if _, err := HashImage(bytes.NewReader(b)); !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("err = %v, want ErrImageTooLarge", err)
	}
}

func TestHashImageDecodesFormats(t *testing.T) {
	img := genImage(99)
	var p, j bytes.Buffer
	if err := png.Encode(&p, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&j, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	hp, err := HashImage(&p)
	if err != nil {
		t.Fatal(err)
	}
	hj, err := HashImage(&j)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := SimilarImages(hp, hj); !ok {
		t.Fatalf("the PNG and JPEG of one picture do not match: %+v %+v", hp, hj)
	}
	if _, err := HashImage(bytes.NewReader([]byte("not an image"))); err == nil {
		t.Fatal("garbage decoded")
	}
}
