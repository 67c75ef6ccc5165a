// Command bigdb loads a district's years into a database: it migrates it,
// imports a roster and writes the cases of internal/bigdb (by default
// 1,000,000, one in ten open) with INSERT … SELECT generate_series. The
// benchmarks of issue 26 run the same lists on it and on a small one.
//
//	go run ./bench/bigdb --url postgres://postgres@127.0.0.1:5432/big?sslmode=disable
//	go run ./bench/bigdb --help
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/alleybot/alleybot/internal/bigdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

func main() {
	url := flag.String("url", "", "the database to load (migrated here; it should be empty)")
	cases := flag.Int("cases", 1_000_000, "how many cases to write (one in ten open)")
	rosterPath := flag.String("roster", "examples/roster.yaml", "the roster to import first")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: bigdb --url URL [--cases N] [--roster FILE]\n\n"+
			"Loads N cases (a tenth open) into the database at URL after migrating it and importing the roster.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *url == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*url, *cases, *rosterPath); err != nil {
		fmt.Fprintln(os.Stderr, "bigdb:", err)
		os.Exit(1)
	}
}

func run(url string, n int, rosterPath string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, url, 4)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if _, err := roster.Import(ctx, st, rosterPath); err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "bigdb: writing %d cases…\n", n)
	if err := bigdb.Load(ctx, st.DB().DB, n); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bigdb: %d cases in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
