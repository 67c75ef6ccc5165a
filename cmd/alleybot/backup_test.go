package main

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/internal/bigdb"
	"github.com/alleybot/alleybot/internal/testdb"
)

// TestBackupRestore (issue 27, 3): a database with 1,000 cases and their
// photos' bytes is backed up and restored into a new empty database: the
// same cases, the same photo bytes, and the restored database serves
// (its schema version checked). A backup onto an existing file is refused
// without --force; a restore into a database that is not empty is
// refused, changing nothing.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	src := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": src}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, src)
	if err := bigdb.Load(ctx, st.DB().DB, 1000); err != nil {
		t.Fatal(err)
	}
	var photoIDs []int64
	if err := st.DB().Select(&photoIDs, `SELECT id FROM photos ORDER BY id LIMIT 20`); err != nil || len(photoIDs) != 20 {
		t.Fatalf("photos: %v %v", photoIDs, err)
	}
	want := map[int64][]byte{}
	for i, id := range photoIDs {
		b := make([]byte, 1000+i*5000) // every byte value, up to 100 kB
		_, _ = rand.Read(b)
		if err := st.SetPhotoBytes(ctx, id, b, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		want[id] = b
	}
	count := func(url, q string) int {
		var n int
		if err := testdb.Open(t, url).DB().Get(&n, q); err != nil {
			t.Fatal(err)
		}
		return n
	}
	cases := count(src, `SELECT count(*) FROM cases`)
	if cases != 1000 {
		t.Fatalf("%d cases loaded", cases)
	}

	file := filepath.Join(t.TempDir(), "alleybot.dump")
	if code, out, _ := alleybot(t, "", env, "backup", "--help"); code != 0 || !strings.Contains(out, "--out") || !strings.Contains(out, "--force") {
		t.Errorf("backup --help: %d %q", code, out)
	}
	if code, _, errs := alleybot(t, "", env, "backup"); code != 2 || !strings.Contains(errs, "--out") {
		t.Errorf("backup without --out: %d %q", code, errs)
	}
	code, out, errs := alleybot(t, "", env, "backup", "--out", file)
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %q %q", code, out, errs)
	}
	if _, err := os.Stat(file + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("%s.tmp left behind: %v", file, err)
	}
	dump, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(dump), "PGDMP") {
		t.Fatalf("not a pg_dump custom file: %q", dump[:min(len(dump), 16)])
	}
	if code, _, errs := alleybot(t, "", env, "backup", "--out", file); code != 1 || !strings.Contains(errs, "exists") {
		t.Errorf("backup onto an existing file: %d %q, want refused", code, errs)
	}
	if again, _ := os.ReadFile(file); string(again) != string(dump) {
		t.Error("the refused backup changed the file")
	}
	if code, _, errs := alleybot(t, "", env, "backup", "--out", file, "--force"); code != 0 {
		t.Errorf("backup --force: %d %q", code, errs)
	}

	// Into a database that is not empty (a migrated one): refused, unchanged.
	busy := testdb.Fresh(t, true)
	if code, _, errs := alleybot(t, "", map[string]string{"DATABASE_URL": busy}, "restore", file); code != 1 || !strings.Contains(errs, "not empty") {
		t.Errorf("restore into a migrated database: %d %q, want refused", code, errs)
	}
	if n := count(busy, `SELECT count(*) FROM cases`); n != 0 {
		t.Errorf("the refused restore wrote %d cases", n)
	}
	// --steward with a FILE is neither form.
	if code, _, errs := alleybot(t, "", env, "restore", file, "--steward", "S01"); code != 2 || !strings.Contains(errs, "not both") {
		t.Errorf("restore FILE --steward: %d %q", code, errs)
	}

	dst := testdb.Fresh(t, false)
	denv := map[string]string{"DATABASE_URL": dst}
	code, out, errs = alleybot(t, "", denv, "restore", file)
	if code != 0 || !strings.Contains(out, "ready to serve") {
		t.Fatalf("restore: %d %q %q", code, out, errs)
	}
	if n := count(dst, `SELECT count(*) FROM cases`); n != cases {
		t.Errorf("restored %d cases, backed up %d", n, cases)
	}
	rst := testdb.Open(t, dst)
	for id, b := range want {
		got, mime, err := rst.PhotoBytes(ctx, id)
		if err != nil || mime != "image/jpeg" || string(got) != string(b) {
			t.Errorf("photo %d: %d bytes %q %v, want the %d bytes backed up", id, len(got), mime, err, len(b))
		}
	}
	if err := rst.CheckSchema(ctx); err != nil {
		t.Error(err)
	}
	// The restored database is not empty any more: a second restore is refused.
	if code, _, errs := alleybot(t, "", denv, "restore", file); code != 1 || !strings.Contains(errs, "not empty") {
		t.Errorf("a second restore: %d %q", code, errs)
	}
	if n := count(dst, `SELECT count(*) FROM cases`); n != cases {
		t.Errorf("after the refused restore %d cases", n)
	}
	// The steward form still needs its three flags.
	if code, _, errs := alleybot(t, "", denv, "restore"); code != 2 || !strings.Contains(errs, "--steward") {
		t.Errorf("restore with nothing: %d %q", code, errs)
	}
}
