package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestUsedKeysExist reads the module's Go files and checks every
// T(lang, "key", ...) and c.T("key", ...) with a literal key: the key is in
// the catalog, the arguments come in name, value pairs, and the literal names
// are exactly the message's placeholders.
func TestUsedKeysExist(t *testing.T) {
	fset := token.NewFileSet()
	calls := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != ".." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Logf("skipping %s: %v", path, err) // a file being edited
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" {
				return true
			}
			// i18n.T(lang, key, ...) or a method x.T(key, ...).
			keyAt := 0
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "i18n" {
				keyAt = 1
			}
			if len(call.Args) <= keyAt {
				return true
			}
			lit, ok := call.Args[keyAt].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			calls++
			pos := fset.Position(call.Pos())
			if !Has(key) {
				t.Errorf("%s: key %q is not in the catalog", pos, key)
				return true
			}
			args := call.Args[keyAt+1:]
			if call.Ellipsis.IsValid() {
				return true
			}
			if len(args)%2 != 0 {
				t.Errorf("%s: T(%q) has an odd number of arguments", pos, key)
				return true
			}
			var names []string
			for i := 0; i < len(args); i += 2 {
				l, ok := args[i].(*ast.BasicLit)
				if !ok || l.Kind != token.STRING {
					return true // a computed name: cannot check
				}
				s, _ := strconv.Unquote(l.Value)
				names = append(names, s)
			}
			sort.Strings(names)
			zh, _ := Both(key)
			if want := placeholders(zh); !slices.Equal(names, want) {
				t.Errorf("%s: T(%q) fills %v, the message has %v", pos, key, names, want)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Fatal("found no T calls with a literal key: the scan is broken")
	}
	t.Logf("checked %d calls", calls)
}
