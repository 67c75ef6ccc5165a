// Command roster measures the roster import at scale: it writes a roster
// of --people people (stewards with patrols, coordinators, department
// members) over communities, alleys and departments of the same
// proportions as examples/roster.yaml, makes a fresh database on the given
// server, runs a built `alleybot migrate`, then `alleybot import` twice
// (first every row new, then every row an update), and prints each
// import's wall time and the import process's peak RSS.
//
//	go build -o /tmp/alleybot ./cmd/alleybot
//	go run ./bench/roster --bin /tmp/alleybot --people 50000
package main

import (
	"bufio"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq"
)

func main() {
	fs := flag.NewFlagSet("roster", flag.ExitOnError)
	bin := fs.String("bin", "", "the alleybot binary (go build -o … ./cmd/alleybot)")
	server := fs.String("db-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a superuser URL: a database is made there and dropped afterwards")
	people := fs.Int("people", 50000, "people in the generated roster")
	keep := fs.String("keep", "", "write the generated roster here too")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: go run ./bench/roster --bin FILE [flags]\n\nImports a generated roster of N people twice into a fresh database;\nprints the wall time and peak RSS of each `alleybot import`.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	_ = fs.Parse(os.Args[1:])
	if *bin == "" {
		fs.Usage()
		os.Exit(2)
	}
	if err := run(*bin, *server, *people, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "roster bench:", err)
		os.Exit(1)
	}
}

func run(bin, server string, people int, keep string) error {
	dir, err := os.MkdirTemp("", "alleybot-roster-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "roster.yaml")
	if keep != "" {
		file = keep
	}
	if err := generate(file, people); err != nil {
		return err
	}
	st, _ := os.Stat(file)
	fmt.Printf("roster: %d people, %.1f MB of YAML\n", people, float64(st.Size())/1e6)

	admin, err := sql.Open("postgres", server)
	if err != nil {
		return err
	}
	defer admin.Close()
	name := fmt.Sprintf("alleybot_roster_bench_%d", os.Getpid())
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		return err
	}
	defer admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	url := strings.Replace(server, "/postgres?", "/"+name+"?", 1)
	if url == server {
		return fmt.Errorf("--db-url must name the database postgres (…/postgres?…)")
	}
	if _, _, err := alleybot(bin, url, "migrate"); err != nil {
		return err
	}
	for _, pass := range []string{"first import (all new)", "second import (all updates)"} {
		wall, rss, err := alleybot(bin, url, "import", file)
		if err != nil {
			return err
		}
		fmt.Printf("%-28s %6.1f s   peak RSS %4d MB\n", pass, wall.Seconds(), rss>>20)
	}
	return nil
}

// alleybot runs the binary and returns its wall time and peak RSS (bytes).
func alleybot(bin, url string, args ...string) (time.Duration, int64, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("alleybot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return wall, rss, nil
}

// generate writes a roster: one community per 2,500 people, ten alleys a
// community, one department per 5,000 people; nine in ten people are
// stewards with two patrols, the rest coordinators and department members.
func generate(path string, people int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	communities := max(1, people/2500)
	departments := max(4, people/5000)
	fmt.Fprintln(w, "communities:")
	for c := range communities {
		fmt.Fprintf(w, "  - {code: c%d, name: 社区%d}\n", c, c)
	}
	fmt.Fprintln(w, "alleys:")
	for c := range communities {
		for a := range 10 {
			fmt.Fprintf(w, "  - {code: a%d-%d, community: c%d, name: 胡同%d-%d, lat: %.5f, lon: %.5f, radius_m: 200}\n",
				c, a, c, c, a, 39.9+float64(c)*0.01, 116.3+float64(a)*0.001)
		}
	}
	fmt.Fprintln(w, "departments:")
	for d := range departments {
		fmt.Fprintf(w, "  - {code: d%d, name: 部门%d}\n", d, d)
	}
	fmt.Fprintln(w, "categories:")
	for i, code := range []string{"sanitation", "facilities", "order", "safety"} {
		fmt.Fprintf(w, "  - {code: %s, department: d%d, verify_within: 2h, fix_within: 24h}\n", code, i%departments)
	}
	fmt.Fprintln(w, "people:")
	for p := range people {
		c := p % communities
		fmt.Fprintf(w, "  - code: P%06d\n    name: 人员%d\n    phone: \"138%08d\"\n    wecom_userid: u%06d\n", p, p, p, p)
		switch {
		case p%10 == 8:
			fmt.Fprintf(w, "    roles: [coordinator]\n    community: c%d\n", c)
		case p%10 == 9:
			fmt.Fprintf(w, "    roles: [department]\n    department: d%d\n", p%departments)
		default:
			fmt.Fprintf(w, "    roles: [steward]\n    community: c%d\n    patrols:\n", c)
			fmt.Fprintf(w, "      - {alley: a%d-%d, days: [1, 2, 3, 4, 5], from: \"08:00\", to: \"09:00\"}\n", c, p%10)
			fmt.Fprintf(w, "      - {alley: a%d-%d, days: [6, 7], from: \"16:00\", to: \"17:00\"}\n", c, (p+1)%10)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
