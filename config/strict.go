package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DecodeError names the file, the line and the dotted key that is wrong, so a
// person editing a YAML file by hand can go straight to the mistake.
type DecodeError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *DecodeError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Key != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Key, e.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

var durationType = reflect.TypeOf(time.Duration(0))

// DecodeStrict decodes a YAML document into out (a pointer to a struct),
// refusing unknown keys and wrong types with the key path and line. Fields
// tagged `yaml:"-"` named Line receive the line of the mapping they belong
// to, and a map[string]int named Lines the line of each key, which lets
// callers report a line for semantic errors found later.
func DecodeStrict(file string, data []byte, out any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return &DecodeError{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil // empty file: all defaults
	}
	left := maxAliasValues
	return decodeNode(file, doc.Content[0], reflect.ValueOf(out).Elem(), "", &left)
}

// maxAliasValues bounds what aliases may add to a file, in YAML nodes.
const maxAliasValues = 100_000

// aliased counts what the aliases inside n add (their expanded size),
// stopping once the count passes limit.
func aliased(n *yaml.Node, limit int) int {
	if n.Kind == yaml.AliasNode {
		return expanded(n.Alias, limit)
	}
	count := 0
	for _, c := range n.Content {
		if count > limit {
			break
		}
		count += aliased(c, limit-count)
	}
	return count
}

// expanded counts the nodes of n with its aliases followed, stopping once
// the count passes limit.
func expanded(n *yaml.Node, limit int) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		return expanded(n.Alias, limit)
	}
	count := 1
	for _, c := range n.Content {
		if count > limit {
			break
		}
		count += expanded(c, limit-count)
	}
	return count
}

func decodeNode(file string, n *yaml.Node, v reflect.Value, path string, left *int) error {
	if n.Kind == yaml.AliasNode {
		// An alias repeats a subtree, and nested ones multiply: a few KB
		// can expand to gigabytes. Each use is charged its expanded size
		// against one budget for the whole file.
		if *left -= expanded(n.Alias, *left+1); *left < 0 {
			return &DecodeError{File: file, Line: n.Line, Key: path,
				Msg: fmt.Sprintf("YAML aliases (*%s) expand to more than %d values: write the values out", n.Value, maxAliasValues)}
		}
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	switch {
	case v.Type() == durationType:
		return decodeDuration(file, n, v, path)
	case v.Kind() == reflect.Struct:
		return decodeStruct(file, n, v, path, left)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct:
		return decodeStructs(file, n, v, path, left)
	case v.Kind() == reflect.Map && v.Type().Elem().Kind() == reflect.Struct:
		return decodeStructMap(file, n, v, path, left)
	}
	return decodeScalar(file, n, v, path, left)
}

// decodeDuration decodes a duration such as 30m or 2h.
func decodeDuration(file string, n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.ScalarNode {
		return &DecodeError{File: file, Line: n.Line, Key: path, Msg: "expected a duration such as 30m or 2h"}
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		return &DecodeError{File: file, Line: n.Line, Key: path, Msg: fmt.Sprintf("%q is not a duration (examples: 90s, 30m, 2h)", n.Value)}
	}
	v.SetInt(int64(d))
	return nil
}

// decodeStruct decodes a mapping into a struct, refusing unknown and
// duplicate keys.
func decodeStruct(file string, n *yaml.Node, v reflect.Value, path string, left *int) error {
	if n.Kind != yaml.MappingNode {
		return &DecodeError{File: file, Line: n.Line, Key: path, Msg: "expected a mapping of keys"}
	}
	fields, names := structFields(n, v)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx, ok := fields[k.Value]
		sub := joinKey(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			return &DecodeError{File: file, Line: k.Line, Key: sub, Msg: fmt.Sprintf("duplicate key (first at line %d)", first)}
		}
		seen[k.Value] = k.Line
		if !ok {
			sort.Strings(names)
			return &DecodeError{File: file, Line: k.Line, Key: sub, Msg: "unknown key (known here: " + strings.Join(names, ", ") + ")"}
		}
		if err := decodeNode(file, val, v.Field(idx), sub, left); err != nil {
			return err
		}
	}
	return nil
}

// structFields maps the yaml keys of struct v to its fields' indexes (and
// lists them), and fills its `yaml:"-"` Line and Lines fields from mapping n.
func structFields(n *yaml.Node, v reflect.Value) (map[string]int, []string) {
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "-" {
			switch {
			case f.Name == "Line" && f.Type.Kind() == reflect.Int:
				v.Field(i).SetInt(int64(n.Line))
			case f.Name == "Lines" && f.Type == reflect.TypeOf(map[string]int{}):
				lines := map[string]int{}
				for j := 0; j+1 < len(n.Content); j += 2 {
					lines[n.Content[j].Value] = n.Content[j].Line
				}
				v.Field(i).Set(reflect.ValueOf(lines))
			}
			continue
		}
		if tag == "" || !f.IsExported() {
			continue
		}
		fields[tag] = i
		names = append(names, tag)
	}
	return fields, names
}

// decodeStructs decodes a list into a slice of structs.
func decodeStructs(file string, n *yaml.Node, v reflect.Value, path string, left *int) error {
	if n.Kind != yaml.SequenceNode {
		return &DecodeError{File: file, Line: n.Line, Key: path, Msg: "expected a list"}
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		if err := decodeNode(file, item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), left); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

// decodeStructMap decodes a mapping into a map of structs, refusing
// duplicate keys.
func decodeStructMap(file string, n *yaml.Node, v reflect.Value, path string, left *int) error {
	if n.Kind != yaml.MappingNode {
		return &DecodeError{File: file, Line: n.Line, Key: path, Msg: "expected a mapping"}
	}
	m := reflect.MakeMap(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if first, dup := seen[k.Value]; dup {
			return &DecodeError{File: file, Line: k.Line, Key: joinKey(path, k.Value), Msg: fmt.Sprintf("duplicate key (first at line %d)", first)}
		}
		seen[k.Value] = k.Line
		e := reflect.New(v.Type().Elem()).Elem()
		if err := decodeNode(file, val, e, joinKey(path, k.Value), left); err != nil {
			return err
		}
		m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
	}
	v.Set(m)
	return nil
}

// decodeScalar decodes anything else (a value, a list or a map of values)
// with yaml.v3, after refusing fractions for integers and charging what
// aliases inside add.
func decodeScalar(file string, n *yaml.Node, v reflect.Value, path string, left *int) error {
	if err := checkIntegers(n, v.Type()); err != nil {
		return &DecodeError{File: file, Line: err.Line, Key: path, Msg: fmt.Sprintf("%q is not a whole number", shorten(err.Value))}
	}
	if *left -= aliased(n, *left+1); *left < 0 {
		return &DecodeError{File: file, Line: n.Line, Key: path,
			Msg: fmt.Sprintf("YAML aliases expand to more than %d values: write the values out", maxAliasValues)}
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		return &DecodeError{File: file, Line: n.Line, Key: path, Msg: fmt.Sprintf("%q is not %s", shorten(n.Value), kindName(v.Type()))}
	}
	return nil
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func shorten(s string) string {
	if len([]rune(s)) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list of " + kindName(t.Elem()) + "s"
	case reflect.Map:
		return "a mapping"
	}
	return "a " + t.String()
}

// checkIntegers refuses a fraction for an integer field (or list of them),
// which yaml.v3 would otherwise truncate silently: it returns the bad node.
func checkIntegers(n *yaml.Node, t reflect.Type) *yaml.Node {
	isInt := func(t reflect.Type) bool {
		return t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64 && t != durationType
	}
	switch {
	case isInt(t) && n.Kind == yaml.ScalarNode:
		if n.ShortTag() != "!!int" {
			return n
		}
	case t.Kind() == reflect.Slice && isInt(t.Elem()) && n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind == yaml.ScalarNode && item.ShortTag() != "!!int" {
				return item
			}
		}
	}
	return nil
}
