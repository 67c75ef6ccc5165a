package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseArgs parses a command's args into fs. Flags may come before or
// after the arguments (`invite 王秀兰 --config F`); after "--" everything is
// an argument, and fs.Args() is the arguments. It returns the exit code when
// parsing ends the run (--help: 0, a bad flag: 2), else -1.
func parseArgs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	// The flag package prints its complaint and the usage itself; for
	// --help the usage goes to stdout, once.
	var parseOut strings.Builder
	fs.SetOutput(&parseOut)
	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdout)
				fs.Usage()
				return 0
			}
			fmt.Fprint(stderr, parseOut.String())
			return 2
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional, rest = append(positional, rest[0]), rest[1:]
	}
	_ = fs.Parse(append([]string{"--"}, positional...)) // fs.Args() = the arguments
	fs.SetOutput(stderr)
	return -1
}

// globalFlags are the flags every command takes, with a value each.
var globalFlags = map[string]bool{"config": true, "database-url": true}

// leadingFlags splits the flags every command takes (--config F,
// --config=F, -database-url U …) from the front of args; the rest starts
// with the command. -h and --help are left for the caller.
func leadingFlags(args []string) (global, rest []string, err error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		a := args[0]
		if a == "-h" || a == "-help" || a == "--help" {
			break
		}
		if a == "--" {
			return global, args[1:], nil
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !globalFlags[name] {
			return nil, nil, fmt.Errorf("%s: only --config and --database-url may come before the command", a)
		}
		if hasValue {
			global, args = append(global, a), args[1:]
			continue
		}
		if len(args) < 2 {
			return nil, nil, fmt.Errorf("flag needs an argument: %s", a)
		}
		global, args = append(global, a, args[1]), args[2:]
	}
	return global, args, nil
}

// argAt is args[i], or "" past the end.
func argAt(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}
