package apperr

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestReasonOf(t *testing.T) {
	for format, want := range map[string]string{
		"the file is larger than the limit of %d MiB": "the_file_is_larger_than_the_limit_of",
		"%s must not be empty":                        "must_not_be_empty",
		"a username is 2–64 lowercase letters":        "a_username_is_2_64_lowercase_letters",
		"name the deciding body (纪委监委, the unit)":     "name_the_deciding_body_the_unit",
	} {
		if got := ReasonOf(format); got != want {
			t.Errorf("ReasonOf(%q) = %q, want %q", format, got, want)
		}
	}
	e := Invalid("input.stage", "going back from %s to %s needs %d%% and %v (U+%04X)", stage("DETECT"), "x", 3, Detail("why"), 0x202e)
	want := map[string]any{"0": "DETECT", "1": "x", "2": int64(3), "4": "202E"}
	if e.Reason != "going_back_from_to_needs_and_u" || fmt.Sprint(e.Params) != fmt.Sprint(want) ||
		e.Message != "going back from DETECT to x needs 3% and why (U+202E)" {
		t.Fatalf("%q %v %q", e.Reason, e.Params, e.Message)
	}
	if b := e.Because("KIND_CONFLICT", map[string]any{"kind": "GROUP"}); b.Reason != "KIND_CONFLICT" || e.Reason == b.Reason || b.Field != e.Field {
		t.Fatalf("because %+v", b)
	}
}

type stage string

// message is one message the server can send: its reason and the names of its params.
type message struct {
	reason, where string
	params        []string
	// subset: params may go unworded (a row problem's params vary by where it arises).
	subset bool
}

// TestEveryReasonIsWorded finds every message the server can send, by reading
// the source (apperr constructors with a literal format, the spread package's
// row and file problems, gqlgen's verdicts on a request), and requires a
// wording in each of the UI's locales with the same placeholders as its params,
// so that a reader never meets a server's English sentence.
func TestEveryReasonIsWorded(t *testing.T) {
	root := ".."
	msgs := map[string]message{}
	add := func(m message) {
		if old, ok := msgs[m.reason]; ok && !slices.Equal(old.params, m.params) && !m.subset {
			t.Errorf("%s and %s share the reason %q with different params %v, %v; reword one", old.where, m.where, m.reason, old.params, m.params)
		}
		if old, ok := msgs[m.reason]; ok && m.subset {
			m.params = append(old.params, m.params...)
		}
		msgs[m.reason] = m
	}
	fset := token.NewFileSet()
	var spreadFiles []*ast.File
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "ui" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		if f.Name.Name == "spread" {
			spreadFiles = append(spreadFiles, f)
		}
		collectFormats(t, fset, f, add)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) < 100 {
		t.Fatalf("found only %d messages; is the scan broken?", len(msgs))
	}
	for _, m := range spreadProblems(t, fset, spreadFiles) {
		add(m)
	}
	// gqlgen's verdicts on a request (graph/errors.go passes its code on as the reason).
	for _, r := range []string{"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "COMPLEXITY_LIMIT_EXCEEDED"} {
		add(message{reason: r, where: "gqlgen"})
	}

	placeholder := regexp.MustCompile(`{{\s*([^,}\s]+)\s*(,[^}]*)?}}`)
	for _, lang := range []string{"zh-CN", "zh-TW", "en"} {
		b, err := os.ReadFile(filepath.Join(root, "ui/web/src/locales", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var catalog struct{ Reason map[string]any }
		if err := json.Unmarshal(b, &catalog); err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			w, ok := catalog.Reason[m.reason].(string)
			if !ok {
				t.Errorf("%s: no wording of reason %q (%s) in reason.%s", lang, m.reason, m.where, m.reason)
				continue
			}
			var got []string
			for _, p := range placeholder.FindAllStringSubmatch(w, -1) {
				got = append(got, p[1])
			}
			sort.Strings(got)
			got = slices.Compact(got)
			want := slices.Compact(slices.Sorted(slices.Values(m.params)))
			if m.subset {
				for _, g := range got {
					if !slices.Contains(want, g) {
						t.Errorf("%s: reason.%s has {{%s}}, but its params are %v (%s)", lang, m.reason, g, want, m.where)
					}
				}
			} else if !slices.Equal(got, want) {
				t.Errorf("%s: reason.%s has placeholders %v, but its params are %v (%s)", lang, m.reason, got, want, m.where)
			}
		}
	}
}

// collectFormats adds each apperr.Errorf or apperr.Invalid call of f with a
// literal format; one whose reason is given by Because is the caller's to check.
func collectFormats(t *testing.T, fset *token.FileSet, f *ast.File, add func(message)) {
	given := map[ast.Node]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Because" {
			given[ast.Unparen(sel.X)] = true
			return true
		}
		name := constructor(f, call.Fun)
		if name == "" || given[call] {
			return true
		}
		where := fset.Position(call.Pos()).String()
		format, ok := literal(call.Args[1])
		if !ok {
			if f.Name.Name != "apperr" {
				t.Errorf("%s: the format of %s is not a literal; give its reason with Because", where, name)
			}
			return true
		}
		reason := ReasonOf(format)
		if reason == "" {
			t.Errorf("%s: the format %q has no words to name it", where, format)
		}
		var params []string
		args := call.Args[2:]
		i := 0
		for _, v := range verb.FindAllString(format, -1) {
			if v == "%%" {
				continue
			}
			if i < len(args) && !isDetail(args[i]) {
				params = append(params, strconv.Itoa(i))
			}
			i++
		}
		add(message{reason: reason, where: where + " " + strconv.Quote(format), params: params})
		return true
	})
}

// constructor is "Errorf" or "Invalid" when fun calls that apperr function.
func constructor(f *ast.File, fun ast.Expr) string {
	var name string
	switch x := fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "apperr" {
			name = x.Sel.Name
		}
	case *ast.Ident:
		if f.Name.Name == "apperr" {
			name = x.Name
		}
	}
	if name == "Errorf" || name == "Invalid" {
		return name
	}
	return ""
}

func isDetail(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	return ok && constructorName(call.Fun) == "Detail"
}

func constructorName(fun ast.Expr) string {
	switch x := fun.(type) {
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// literal is the value of a string literal or a sum of them.
func literal(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(x.Value)
		return s, err == nil && x.Kind == token.STRING
	case *ast.BinaryExpr:
		a, ok1 := literal(x.X)
		b, ok2 := literal(x.Y)
		return a + b, ok1 && ok2 && x.Op == token.ADD
	case *ast.ParenExpr:
		return literal(x.X)
	}
	return "", false
}

// spreadProblems lists the spread package's problems: the Problem constants
// of a row, with the keys of every params map written next to them, and the
// literal problems of fileError and headerError.
func spreadProblems(t *testing.T, fset *token.FileSet, files []*ast.File) []message {
	values := map[string]string{} // constant name -> problem
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); ok && id.Name == "Problem" {
					s, _ := literal(v.Values[0])
					values[v.Names[0].Name] = s
				}
			}
		}
	}
	if len(values) < 10 {
		t.Fatalf("found only %d row problems; is the scan broken?", len(values))
	}
	params := map[string][]string{}
	keys := func(n ast.Node) []string {
		var ks []string
		ast.Inspect(n, func(n ast.Node) bool {
			if c, ok := n.(*ast.CompositeLit); ok {
				if m, ok := c.Type.(*ast.MapType); ok && fmt.Sprint(m.Key) == "string" {
					for _, e := range c.Elts {
						if k, ok := literal(e.(*ast.KeyValueExpr).Key); ok {
							ks = append(ks, k)
						}
					}
				}
			}
			return true
		})
		return ks
	}
	var out []message
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			var scope ast.Node
			var mentions ast.Node = n
			switch x := n.(type) {
			case *ast.CallExpr:
				if name := constructorName(x.Fun); (name == "fileError" || name == "headerError") && len(x.Args) > 1 {
					if p, ok := literal(x.Args[0]); ok {
						out = append(out, message{reason: p, where: fset.Position(x.Pos()).String(), params: keys(x.Args[1])})
					}
					return true
				}
				scope = x
			case *ast.CompositeLit:
				scope = x
			case *ast.IfStmt:
				scope, mentions = x.Body, x.Cond
			default:
				return true
			}
			ast.Inspect(mentions, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok {
					if p, ok := values[id.Name]; ok {
						params[p] = append(params[p], keys(scope)...)
					}
				}
				return true
			})
			return true
		})
	}
	// badCell and unknown name the cell's value.
	for _, c := range []string{"UnknownValue", "BadTime", "NotBoolean", "NotNumber"} {
		params[values[c]] = append(params[values[c]], "value")
	}
	for _, p := range values {
		out = append(out, message{reason: p, where: "spread.Problem " + p, params: params[p], subset: true})
	}
	return out
}
