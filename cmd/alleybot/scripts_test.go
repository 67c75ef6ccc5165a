package main

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
)

// TestBenchScriptsHelp: every bench/*.sh answers --help and -h with its
// usage and exit 0, at once, starting nothing: the script runs with a PATH
// holding only sed (which prints the usage) and stand-ins for every tool a
// benchmark starts (go, psql, pgbench, initdb, pg_ctl, …) that record being
// called; any other command is not found and fails the script.
func TestBenchScriptsHelp(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	sed, err := exec.LookPath("sed")
	if err != nil {
		t.Skip("no sed")
	}
	scripts, err := filepath.Glob("../../bench/*.sh")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no bench scripts: %v", err)
	}
	bin := t.TempDir()
	called := t.TempDir()
	if err := os.Symlink(sed, filepath.Join(bin, "sed")); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"go", "psql", "pgbench", "pg_isready", "pg_ctl", "pg_ctlcluster", "initdb", "createdb",
		"runuser", "su", "sudo", "apt-get", "make", "mktemp", "ls", "dirname", "curl", "env", "timeout", "kill"} {
		stub := "#!" + bash + "\necho \"$0 $*\" >> " + filepath.Join(called, tool) + "\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, script := range scripts {
		name := "bench/" + filepath.Base(script)
		for _, flag := range []string{"--help", "-h"} {
			t.Run(filepath.Base(script)+flag, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, bash, script, flag)
				cmd.Env = []string{"PATH=" + bin, "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
				var out, errb bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errb
				start := time.Now()
				err := cmd.Run()
				entries, _ := os.ReadDir(called)
				for _, e := range entries {
					b, _ := os.ReadFile(filepath.Join(called, e.Name()))
					t.Errorf("%s %s started %s: %s", name, flag, e.Name(), b)
					_ = os.Remove(filepath.Join(called, e.Name()))
				}
				if err != nil {
					t.Fatalf("%s %s: %v after %v; stderr:\n%s", name, flag, err, time.Since(start).Round(time.Millisecond), errb.String())
				}
				if errb.Len() > 0 {
					t.Errorf("%s %s wrote to stderr (it ran something): %s", name, flag, errb.String())
				}
				if !strings.Contains(out.String(), name) || strings.Count(out.String(), "\n") < 3 {
					t.Errorf("%s %s: the usage should name the script and say what it measures:\n%s", name, flag, out.String())
				}
				if strings.Contains(out.String(), "set -euo") || strings.Contains(out.String(), "#!") {
					t.Errorf("%s %s printed code, not the usage:\n%s", name, flag, out.String())
				}
			})
		}
	}
}

// TestRunScriptFlagsAnyOrder: `make run ARGS="--as 杨晓燕 --fresh"` works
// as `--fresh --as 杨晓燕` does: --fresh empties $ALLEYBOT_DB_NAME wherever
// it stands, the rest go to the console.
func TestRunScriptFlagsAnyOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds alleybot")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	dbu := testdb.Fresh(t, false)
	st := testdb.Open(t, dbu)
	if _, err := st.DB().Exec(`CREATE TABLE left_from_before (id int)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	u, err := url.Parse(dbu)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "../../scripts/run.sh", "--as", "杨晓燕", "--fresh")
	cmd.Env = append(withoutEnv(os.Environ(), "DATABASE_URL", "ALLEYBOT_CONFIG"), "ALLEYBOT_DB_NAME="+strings.TrimPrefix(u.Path, "/"),
		"PGHOST="+u.Hostname(), "PGPORT="+u.Port())
	cmd.Stdin = strings.NewReader("/whoami\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/run.sh --as 杨晓燕 --fresh: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "姓名:杨晓燕") {
		t.Errorf("the console did not speak as 杨晓燕:\n%s", out.String())
	}
	st = testdb.Open(t, dbu)
	var left bool
	if err := st.DB().Get(&left, `SELECT to_regclass('left_from_before') IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if left {
		t.Errorf("--fresh after --as did not empty the database %s", u.Path)
	}
}

func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			drop = drop || k == n
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// TestVersionOfMakeBuild: the binary `make build` makes says which commit
// it was built from (the toolchain's VCS stamp, or the Makefile's -X in a
// git worktree), even where GOFLAGS says -buildvcs=false.
func TestVersionOfMakeBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds alleybot")
	}
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip("no " + tool)
		}
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "alleybot")
	cmd := exec.Command("make", "-s", "-C", "../..", "build", "BIN="+bin)
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("alleybot version: %v", err)
	}
	if !strings.HasPrefix(string(out), "alleybot ") || !strings.Contains(string(out), "commit  "+strings.TrimSpace(string(head))) {
		t.Errorf("alleybot version does not name the commit %s:\n%s", head, out)
	}
}
