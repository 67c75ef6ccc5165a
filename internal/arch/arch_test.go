// Package arch checks the shape of the code base: file and function sizes,
// and which packages may import which. It has no code of its own: its tests
// read the source tree.
package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/alleybot/alleybot/"

// root is the repository, two levels up from this package.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// goFile is one parsed non-test source file of the module.
type goFile struct {
	rel  string // path from the repository root
	pkg  string // package directory, from the root ("handlers", "bot/wecom")
	file *ast.File
	fset *token.FileSet
	src  []byte
}

func sources(t *testing.T) []goFile {
	t.Helper()
	base := root(t)
	var out []goFile
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != base && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, path)
		out = append(out, goFile{rel: filepath.ToSlash(rel), pkg: filepath.ToSlash(filepath.Dir(rel)), file: f, fset: fset, src: src})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d source files under %s: is this the repository?", len(out), base)
	}
	return out
}

// fakes are test doubles of other services' APIs, kept whole on purpose.
func isFake(pkg string) bool {
	return pkg == "internal/tgfake" || pkg == "internal/wecomfake"
}

// TestFileSizes: no source file over 600 lines, outside the internal fakes.
func TestFileSizes(t *testing.T) {
	const max = 600
	var over []string
	for _, f := range sources(t) {
		if isFake(f.pkg) {
			continue
		}
		if n := strings.Count(string(f.src), "\n"); n > max {
			over = append(over, f.rel+": "+strconv.Itoa(n)+" lines")
		}
	}
	sort.Strings(over)
	for _, o := range over {
		t.Errorf("%s (at most %d: split it by concern)", o, max)
	}
}

// longAllowed are functions that may be long because they are tables:
// validation of every setting, wiring every part by hand, benchmarks and
// load generators, and the message catalog. Keyed "<file>:<func>".
var longAllowed = map[string]string{
	"config/config.go:Config.Validate": "validation: every setting, in file order",
	"roster/roster.go:Validate":        "validation: every problem of the roster file with its line",
	"cmd/alleybot/serve.go:newApp":     "wiring: every part of serve, by hand",
}

func longOK(f goFile, name string) bool {
	if _, ok := longAllowed[f.rel+":"+name]; ok {
		return true
	}
	if strings.HasPrefix(f.pkg, "bench") || isFake(f.pkg) || f.pkg == "internal/tgload" {
		return true // benchmarks and load generators
	}
	return false
}

// TestFunctionSizes: no function over 80 lines, but validation, wiring and
// benchmarks (longAllowed).
func TestFunctionSizes(t *testing.T) {
	const max = 80
	for _, f := range sources(t) {
		ast.Inspect(f.file, func(n ast.Node) bool {
			fd, ok := n.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				return true
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				name = recvName(fd.Recv.List[0].Type) + "." + name
			}
			lines := f.fset.Position(fd.End()).Line - f.fset.Position(fd.Pos()).Line + 1
			if lines > max && !longOK(f, name) {
				t.Errorf("%s: %s is %d lines (at most %d)", f.rel, name, lines, max)
			}
			return false
		})
	}
}

func recvName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return recvName(x.X)
	case *ast.IndexExpr:
		return recvName(x.X)
	case *ast.Ident:
		return x.Name
	}
	return "?"
}

// imports lists each package's imports of this module (by package dir).
func imports(t *testing.T) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, f := range sources(t) {
		if out[f.pkg] == nil {
			out[f.pkg] = map[string]bool{}
		}
		for _, im := range f.file.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			out[f.pkg][p] = true
		}
	}
	return out
}

// TestPlatformLibrariesStayInAdapters: the Telegram and WeChat libraries
// are imported by their adapters only.
func TestPlatformLibrariesStayInAdapters(t *testing.T) {
	libs := map[string]string{
		"github.com/go-telegram-bot-api/telegram-bot-api/v5": "bot/telegram",
		"github.com/silenceper/wechat/v2":                    "bot/wecom",
	}
	for pkg, ims := range imports(t) {
		for im := range ims {
			for lib, home := range libs {
				if strings.HasPrefix(im, lib) && pkg != home && !strings.HasPrefix(pkg, home+"/") && !isFake(pkg) {
					t.Errorf("%s imports %s: only %s may", pkg, im, home)
				}
			}
		}
	}
}

// TestLayers: the vocabulary (model) depends on nothing; the store on the
// vocabulary alone; the flow engine imports no domain; sqlx stays in the
// store.
func TestLayers(t *testing.T) {
	all := imports(t)
	if all["model"] == nil {
		t.Errorf("no package model: the vocabulary and the case state machine live there")
	}
	for im := range all["model"] {
		if strings.Contains(strings.Split(im, "/")[0], ".") {
			t.Errorf("model imports %s: the vocabulary imports the standard library only", im)
		}
	}
	for im := range all["store"] {
		if strings.HasPrefix(im, module) && !strings.HasPrefix(im, module+"store/") && im != module+"model" {
			t.Errorf("store imports %s: the store depends on the vocabulary (model) alone", im)
		}
	}
	for im := range all["conversations"] {
		if strings.HasPrefix(im, module) {
			switch strings.TrimPrefix(im, module) {
			case "audience", "bot", "i18n", "model", "store", "worktime":
			default:
				t.Errorf("conversations imports %s: the engine imports no domain", im)
			}
		}
	}
	for pkg, ims := range all {
		if ims["github.com/jmoiron/sqlx"] && pkg != "store" {
			t.Errorf("%s imports sqlx: only the store does", pkg)
		}
	}
}

// TestChatIDsStayInAdapters: only the adapters (bot/...) take a chat id
// apart (a negative Telegram id is a group, "robot:" a WeCom group robot,
// "group:" a console group); everyone else reads the kind the message or
// the outbox row carries, or asks the platform.
func TestChatIDsStayInAdapters(t *testing.T) {
	decoders := map[string]bool{
		"strings.HasPrefix": true, "strings.TrimPrefix": true, "strings.CutPrefix": true, "strings.Cut": true,
		"strings.Split": true, "strings.SplitN": true, "strconv.ParseInt": true, "strconv.Atoi": true,
	}
	for _, f := range sources(t) {
		if f.pkg == "bot" || strings.HasPrefix(f.pkg, "bot/") || isFake(f.pkg) || f.pkg == "internal/tgload" || strings.HasPrefix(f.pkg, "bench") {
			continue
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || !decoders[pkg.Name+"."+sel.Sel.Name] {
				return true
			}
			arg := string(f.src[f.fset.Position(call.Args[0].Pos()).Offset:f.fset.Position(call.Args[0].End()).Offset])
			if strings.Contains(strings.ToLower(arg), "chatid") {
				t.Errorf("%s: %s(%s, …) takes a chat id apart: ask the platform (bot/...) instead",
					f.fset.Position(call.Pos()), pkg.Name+"."+sel.Sel.Name, arg)
			}
			return true
		})
	}
}

// TestTelegramKnowsNoButtonPrefix: which buttons stay after a press (a
// shared case card's) is said by a flag, not by the Telegram adapter
// knowing the case buttons' "c:" prefix.
func TestTelegramKnowsNoButtonPrefix(t *testing.T) {
	for _, f := range sources(t) {
		if f.pkg != "bot/telegram" && f.pkg != "bot" {
			continue
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, _ := strconv.Unquote(lit.Value); s == "c:" || s == "k:" || s == "t:" {
					t.Errorf("%s: the literal %q is a domain's button prefix", f.fset.Position(lit.Pos()), s)
				}
			}
			return true
		})
	}
}
