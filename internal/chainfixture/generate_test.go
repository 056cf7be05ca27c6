package chainfixture

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/leaktrail/leaktrail/fingerprint"
	"github.com/nfnt/resize"
)

// TestGenerateImages writes the fixtures' images: each chain's leaked photo
// and the copies the apps made of it, plus unrelated pictures. It runs only
// with CHAINFIXTURE_GENERATE=1 (the bytes are committed; the JPEG encoder is
// deterministic, so a rerun with the same Go writes the same files). Two
// exports are zips of their folder, as the tools hand them over, made with
// zip -X from the chat file and the images written here:
// shi-he-xu-2021/xu-memotrace.zip (the folder is kept beside it) and
// yang-zhang-tao-fax/huang-whatsapp.zip (WhatsApp's _chat.txt and photos).
func TestGenerateImages(t *testing.T) {
	if os.Getenv("CHAINFIXTURE_GENERATE") != "1" {
		t.Skip("set CHAINFIXTURE_GENERATE=1 to rewrite the fixtures' images")
	}
	for _, c := range generated {
		leak := page(c.seed, c.lines)
		write(t, filepath.Join(c.chain, "leak.jpg"), leak, 80)
		for _, cp := range c.copies {
			write(t, filepath.Join(c.chain, cp.path), cp.edit(leak), cp.quality)
		}
		for i, n := range c.negatives {
			img := scene(c.seed*10 + uint64(i))
			if n.page {
				img = sheet(c.seed*10 + uint64(i))
			}
			write(t, filepath.Join(c.chain, n.path), img, 70)
		}
	}
}

type copyOf struct {
	path    string
	quality int
	edit    func(image.Image) image.Image
}

type negative struct {
	path string
	page bool // a screenshot of a table rather than a photo
}

// generated lists, per chain, the files the exports reference. The copies
// are what each app does to a photo: WeChat and WeCom keep the size and
// re-compress hard, Telegram and WhatsApp scale down, and 何某 cropped the
// document number off before sending (chain 003).
var generated = []struct {
	chain     string
	seed      uint64
	lines     int
	copies    []copyOf
	negatives []negative
}{
	{
		chain: "shi-he-xu-2021", seed: 3, lines: 14,
		copies: []copyOf{
			{"shi-pywxdump/image/2021-03/9f1c2a.jpg", 70, same},
			{"xu-memotrace/image/6b1e0c77.jpg", 65, covered},
			{"zhou-wecom/media/" + md5Placeholder, 60, covered},
			{"wu-telegram/photos/photo_3@21-03-2021_07-41-07.jpg", 75, chain(covered, scale(0.75))},
		},
		negatives: []negative{
			{"shi-pywxdump/image/2021-03/4d7e91.jpg", false},
			{"xu-memotrace/image/0a93f2d1.jpg", true},
			{"wu-telegram/photos/photo_1@21-03-2021_05-02-10.jpg", false},
		},
	},
	{
		chain: "yang-zhang-tao-fax", seed: 5, lines: 10,
		copies: []copyOf{
			{"tao-pywxdump/image/2019-06/b27e40.jpg", 70, same},
			{"zhang-memotrace/image/e51c03.jpg", 65, same},
			{"huang-whatsapp/00000031-PHOTO-2019-06-14-18-20-45.jpg", 60, scale(0.6)},
		},
		negatives: []negative{
			{"zhang-memotrace/image/71f0aa.jpg", true},
			{"huang-whatsapp/00000027-PHOTO-2019-06-14-09-03-11.jpg", false},
		},
	},
	{
		chain: "luo-family-group", seed: 1, lines: 8,
		copies: []copyOf{
			{"qian-pywxdump/image/2020-08/5a0c19.jpg", 70, same},
			{"feng-memotrace/image/c4d8e2.jpg", 65, same},
		},
		negatives: []negative{
			{"qian-pywxdump/image/2020-08/8e31b7.jpg", false},
		},
	},
}

// md5Placeholder is replaced by the file's MD5 once written (WeCom's
// archive names media by md5sum).
const md5Placeholder = "{md5}.jpg"

func same(img image.Image) image.Image { return img }

func scale(f float64) func(image.Image) image.Image {
	return func(img image.Image) image.Image {
		b := img.Bounds()
		return resize.Resize(uint(float64(b.Dx())*f), 0, img, resize.Bilinear)
	}
}

// covered is the photo with its document number painted over in the
// paper's colour, as 何某 did before sending it on.
func covered(img image.Image) image.Image {
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Src)
	fill(out, image.Rect(260, 205, 560, 268), color.RGBA{232, 229, 222, 255})
	return cropTop(0.03)(out)
}

// cropTop cuts off a strip at the top (where the document number is).
func cropTop(f float64) func(image.Image) image.Image {
	return func(img image.Image) image.Image {
		b := img.Bounds()
		r := image.Rect(0, int(float64(b.Dy())*f), b.Dx(), b.Dy())
		out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
		return out
	}
}

func chain(fs ...func(image.Image) image.Image) func(image.Image) image.Image {
	return func(img image.Image) image.Image {
		for _, f := range fs {
			img = f(img)
		}
		return img
	}
}

func write(t *testing.T, path string, img image.Image, quality int) {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) == md5Placeholder {
		sums, err := sumBytes(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		path = filepath.Join(filepath.Dir(path), sums.MD5+".jpg")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes", path, buf.Len())
}

var (
	desk  = color.RGBA{96, 78, 60, 255}
	paper = color.RGBA{246, 244, 238, 255}
	ink   = color.RGBA{30, 30, 34, 255}
	red   = color.RGBA{200, 30, 36, 255}
)

// page draws a photo of a 红头文件 page, 800×1100, on a desk, tilted a little:
// the issuer in red, the document number over a red rule, a red 机密★ mark,
// the title and blocks of text (glyph-like marks; no font is needed).
func page(seed uint64, lines int) image.Image {
	r := rand.New(rand.NewPCG(seed, 17))
	const w, h = 800, 1100
	flat := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(flat, flat.Bounds(), &image.Uniform{paper}, image.Point{}, draw.Src)
	glyphs := func(x, y, n, size int, c color.RGBA) {
		for i := range n {
			glyph(flat, r, x+i*(size+size/5), y, size, c)
		}
	}
	// 机密★ at the top left.
	glyphs(70, 60, 2, 26, red)
	star(flat, 150, 73, 14, red)
	// The issuer, large and red, then the number and the rule.
	glyphs(170, 130, 8, 52, red)
	glyphs(290, 230, 9, 20, ink)
	fill(flat, image.Rect(70, 270, w-70, 275), red)
	// The title, then paragraphs.
	glyphs(130, 320, 16, 28, ink)
	glyphs(250, 362, 8, 28, ink)
	y := 440
	for i := range lines {
		indent := 0
		if i%4 == 0 {
			indent = 44
		}
		n := 28
		if i%4 == 3 {
			n = 6 + r.IntN(18)
		}
		glyphs(90+indent, y, n-indent/22, 20, ink)
		y += 40
		if i%4 == 3 {
			y += 10
		}
	}
	glyphs(500, y+30, 9, 20, ink)
	glyphs(520, y+64, 8, 20, ink)
	// A red seal over the date.
	ring(flat, 590, y+50, 70, red)
	return photograph(flat, seed)
}

// scene draws an unrelated photo: sky, hills, a sun, a few shapes.
func scene(seed uint64) image.Image {
	r := rand.New(rand.NewPCG(seed, 29))
	const w, h = 800, 600
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		c := color.RGBA{uint8(90 + y*100/h), uint8(150 + y*60/h), 230, 255}
		fill(img, image.Rect(0, y, w, y+1), c)
	}
	base := 300 + r.IntN(100)
	for x := range w {
		top := base + int(60*math.Sin(float64(x)/90+float64(seed)))
		fill(img, image.Rect(x, top, x+1, h), color.RGBA{uint8(40 + r.IntN(20)), uint8(120 + r.IntN(30)), 50, 255})
	}
	disc(img, 120+r.IntN(500), 120, 50, color.RGBA{250, 220, 90, 255})
	for range 6 {
		x, y := r.IntN(w-120), 380+r.IntN(160)
		fill(img, image.Rect(x, y, x+40+r.IntN(80), y+30+r.IntN(50)), color.RGBA{uint8(r.IntN(255)), uint8(r.IntN(255)), uint8(r.IntN(255)), 255})
	}
	return img
}

// sheet draws a screenshot of a spreadsheet: a coloured header row, a grid,
// figures in the cells.
func sheet(seed uint64) image.Image {
	r := rand.New(rand.NewPCG(seed, 41))
	const w, h = 900, 560
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), color.RGBA{255, 255, 255, 255})
	fill(img, image.Rect(0, 0, w, 40), color.RGBA{33, 115, 70, 255})
	fill(img, image.Rect(0, 40, w, 72), color.RGBA{226, 239, 218, 255})
	for y := 72; y < h; y += 28 {
		fill(img, image.Rect(0, y, w, y+1), color.RGBA{200, 200, 200, 255})
		for x := 10; x < w; x += 150 {
			for i := range 2 + r.IntN(4) {
				glyph(img, r, x+i*12, y+8, 11, ink)
			}
		}
	}
	for x := 0; x < w; x += 150 {
		fill(img, image.Rect(x, 40, x+1, h), color.RGBA{200, 200, 200, 255})
	}
	return img
}

// photograph puts the page on a desk, tilted by a degree or so, with light
// falling off towards one corner.
func photograph(flat *image.RGBA, seed uint64) image.Image {
	b := flat.Bounds()
	out := image.NewRGBA(b)
	angle := (0.8 + float64(seed%5)*0.3) * math.Pi / 180
	sin, cos := math.Sin(angle), math.Cos(angle)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	const zoom = 1.08 // the page fills a little less than the frame
	for y := range b.Dy() {
		for x := range b.Dx() {
			dx, dy := (float64(x)-cx)*zoom, (float64(y)-cy)*zoom
			sx, sy := cos*dx+sin*dy+cx, -sin*dx+cos*dy+cy
			c := desk
			if sx >= 0 && sy >= 0 && sx < float64(b.Dx()) && sy < float64(b.Dy()) {
				c = flat.RGBAAt(int(sx), int(sy))
			}
			light := 1 - 0.18*(float64(x)+float64(y))/float64(b.Dx()+b.Dy())
			out.SetRGBA(x, y, color.RGBA{uint8(float64(c.R) * light), uint8(float64(c.G) * light), uint8(float64(c.B) * light), 255})
		}
	}
	return out
}

// glyph draws a character-like mark: a few strokes in a size×size cell.
func glyph(img *image.RGBA, r *rand.Rand, x, y, size int, c color.RGBA) {
	t := max(2, size/9)
	for range 3 + r.IntN(3) {
		if r.IntN(2) == 0 {
			yy := y + r.IntN(size-t)
			x0 := x + r.IntN(size/2)
			fill(img, image.Rect(x0, yy, x0+size/3+r.IntN(size/2), yy+t), c)
		} else {
			xx := x + r.IntN(size-t)
			y0 := y + r.IntN(size/2)
			fill(img, image.Rect(xx, y0, xx+t, y0+size/3+r.IntN(size/2)), c)
		}
	}
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, &image.Uniform{c}, image.Point{}, draw.Src)
}

func star(img *image.RGBA, cx, cy, rad int, c color.RGBA) {
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			dx, dy := float64(x-cx), float64(y-cy)
			a := math.Atan2(dy, dx) + math.Pi/2
			k := math.Mod(a*5/(2*math.Pi)+10, 1)
			edge := float64(rad) * (0.45 + 0.55*math.Abs(2*k-1))
			if math.Hypot(dx, dy) <= edge {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

func ring(img *image.RGBA, cx, cy, rad int, c color.RGBA) {
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			if d := math.Hypot(float64(x-cx), float64(y-cy)); d <= float64(rad) && d >= float64(rad)-5 {
				img.SetRGBA(x, y, c)
			}
		}
	}
	star(img, cx, cy, rad/3, c)
}

func disc(img *image.RGBA, cx, cy, rad int, c color.RGBA) {
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			if math.Hypot(float64(x-cx), float64(y-cy)) <= float64(rad) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

func sumBytes(b []byte) (fingerprint.FileSums, error) { return fingerprint.SumFile(bytes.NewReader(b)) }
