package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/alleybot/alleybot/scheduler"
	"github.com/alleybot/alleybot/store"
)

func backupFlags(fs *flag.FlagSet) {
	fs.String("out", "", "the backup file to write (pg_dump custom format); refused if it exists, unless --force")
	fs.Bool("force", false, "replace --out if it exists")
}

// cmdBackup writes the whole database (cases, photos, the ledger, the
// roster as imported, the outbox, the job queue) with pg_dump's custom
// format into FILE.tmp, then renames it to FILE: a FILE is always a
// complete backup.
func cmdBackup(e *env, fs *flag.FlagSet, common *commonFlags) error {
	if fs.NArg() > 0 {
		return usageError{"backup takes no arguments; use --out FILE"}
	}
	out := strings.TrimSpace(fs.Lookup("out").Value.String())
	if out == "" {
		return usageError{"backup needs --out FILE"}
	}
	force := fs.Lookup("force").Value.String() == "true"
	if _, err := os.Stat(out); err == nil && !force {
		return fmt.Errorf("refused: %s exists (备份文件已存在); choose another --out, or add --force to replace it", out)
	}
	cfg, st, err := setup(e, common, false)
	if err != nil {
		return err
	}
	defer st.Close()
	version, err := st.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	bin, err := pgTool(e, st, "pg_dump")
	if err != nil {
		return err
	}
	tmp := out + ".tmp"
	cmd := exec.CommandContext(e.ctx, bin, "--format=custom", "--file="+tmp)
	if err := runPG(cmd, cfg.Database.URL); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("pg_dump of %s: %w", store.MaskURL(cfg.Database.URL), err)
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	info, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s (schema version %d) to %s, %d bytes / 已备份\n", store.MaskURL(cfg.Database.URL), version, out, info.Size())
	return nil
}

// cmdRestoreDatabase loads a backup made by `alleybot backup` into the
// configured database, which must be empty (a fresh CREATE DATABASE): a
// restore never mixes with existing data. The schema version is checked
// afterwards.
func cmdRestoreDatabase(e *env, file string, common *commonFlags) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("cannot read the backup: %w", err)
	}
	cfg, st, err := setup(e, common, false)
	if err != nil {
		return err
	}
	defer st.Close()
	var tables []string
	if err := st.DB().SelectContext(e.ctx, &tables, `SELECT schemaname || '.' || tablename FROM pg_tables
		WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1 LIMIT 5`); err != nil {
		return err
	}
	if len(tables) > 0 {
		v, _ := st.SchemaVersion(e.ctx)
		return fmt.Errorf("refused: %s is not empty (数据库非空: schema version %d, tables %s…); restore into a new empty database "+
			"(createdb alleybot_restored, then --database-url pointing at it), stop the serve processes, then switch the config to it",
			store.MaskURL(cfg.Database.URL), v, strings.Join(tables, ", "))
	}
	bin, err := pgTool(e, st, "pg_restore")
	if err != nil {
		return err
	}
	// One transaction: a failed restore leaves the database empty, to try again.
	cmd := exec.CommandContext(e.ctx, bin, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", file)
	if err := runPG(cmd, cfg.Database.URL); err != nil {
		return fmt.Errorf("pg_restore of %s into %s: %w", file, store.MaskURL(cfg.Database.URL), err)
	}
	v, err := st.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s into %s: schema version %d / 已恢复\n", file, store.MaskURL(cfg.Database.URL), v)
	if err := st.CheckSchema(e.ctx); err != nil {
		if errors.Is(err, store.ErrSchemaOutdated) {
			return fmt.Errorf("the backup is restored, but %w before serving", err)
		}
		return fmt.Errorf("the backup is restored, but %w", err)
	}
	if err := scheduler.CheckSchema(e.ctx, st.SQL()); err != nil {
		return fmt.Errorf("the backup is restored, but the job queue: %w", err)
	}
	fmt.Fprintf(e.stdout, "the schema matches this alleybot (version %d): ready to serve\n", v)
	return nil
}

// runPG runs a PostgreSQL client tool on the database at dbURL. The
// password goes in $PGPASSWORD, not on the command line (ps shows that).
func runPG(cmd *exec.Cmd, dbURL string) error {
	conn, password := dbURL, ""
	if u, err := url.Parse(dbURL); err == nil && strings.Contains(dbURL, "://") {
		if p, ok := u.User.Password(); ok {
			password = p
			u.User = url.User(u.User.Username())
		}
		if q := u.Query(); q.Has("password") {
			password = q.Get("password")
			q.Del("password")
			u.RawQuery = q.Encode()
		}
		conn = u.String()
	}
	cmd.Args = append(cmd.Args, "--dbname="+conn)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("%w: %s", err, msg)
		}
		return err
	}
	return nil
}

// pgTool finds pg_dump or pg_restore: the one of the server's major
// version under /usr/lib/postgresql/N/bin (Debian keeps several), else
// the one on $PATH, else the newest under /usr/lib/postgresql.
func pgTool(e *env, st *store.Store, name string) (string, error) {
	var num int
	if err := st.DB().GetContext(e.ctx, &num, `SELECT current_setting('server_version_num')::int`); err != nil {
		return "", err
	}
	major := num / 10000
	if p := filepath.Join("/usr/lib/postgresql", strconv.Itoa(major), "bin", name); isExecutable(p) {
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob(filepath.Join("/usr/lib/postgresql", "*", "bin", name))
	sort.Slice(found, func(i, j int) bool { return pgMajor(found[i]) > pgMajor(found[j]) })
	for _, p := range found {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on $PATH nor under /usr/lib/postgresql/*/bin: install the PostgreSQL %d client "+
		"(Debian/Ubuntu: apt-get install postgresql-client-%d) / 未找到 %s", name, major, major, name)
}

func pgMajor(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

func isExecutable(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}
