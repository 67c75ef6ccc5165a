package main

import (
	"context"
	"strings"
	"testing"

	"github.com/alleybot/alleybot/internal/testdb"
)

// TestRestoreCommand (四(三)): an admin restores 王秀兰's suspended role
// from the command line as /restore does: the restoration is in her
// record with who and why, and she and the center are told (queued);
// someone not suspended, not a steward, an unknown code, a non-admin and
// a missing or empty reason are refused with the reason, recording nothing.
func TestRestoreCommand(t *testing.T) {
	url := testdb.Fresh(t, true)
	env := map[string]string{"DATABASE_URL": url}
	if code, _, errs := alleybot(t, "", env, "import", "../../examples/roster.yaml"); code != 0 {
		t.Fatal(errs)
	}
	st := testdb.Open(t, url)
	ctx := context.Background()
	c, _ := st.ChatByCode(ctx, "center")
	if err := st.BindChat(ctx, c.ID, "telegram", "-1003"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO identities (platform, external_id, person_id) SELECT 'telegram', '7001', id FROM people WHERE code = 'S01'`,
		`INSERT INTO steward_record (person_id, kind, reason, at) SELECT id, 'suspension', '3', now() - interval '1 day' FROM people WHERE code = 'S01'`,
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, _ := alleybot(t, "", env, "restore", "--help"); code != 0 || !strings.Contains(out, "--steward") || !strings.Contains(out, "--reason") {
		t.Errorf("restore --help: %d %q", code, out)
	}
	restorations := func() int {
		var n int
		if err := st.DB().Get(&n, `SELECT count(*) FROM steward_record WHERE kind = 'restoration'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--steward", "S01", "--by", "A01"}, "--reason"},
		{[]string{"--steward", "S01", "--by", "A01", "--reason", "  "}, "--reason"},
		{[]string{"--steward", "S01", "--by", "A01", "--reason", "好"}, "must say why"},
		{[]string{"--steward", "S02", "--by", "A01", "--reason", "已整改"}, "李建国 (S02) is not suspended"},
		{[]string{"--steward", "C01", "--by", "A01", "--reason", "已整改"}, "is not a steward"},
		{[]string{"--steward", "S99", "--by", "A01", "--reason", "已整改"}, `"S99" is not in the roster`},
		{[]string{"--steward", "S01", "--by", "C01", "--reason", "已整改"}, "not an admin"},
		{[]string{"--steward", "S01", "--by", "X99", "--reason", "已整改"}, `"X99" is not in the roster`},
	} {
		code, _, errs := alleybot(t, "", env, append([]string{"restore"}, bad.args...)...)
		if code == 0 || !strings.Contains(errs, bad.want) {
			t.Errorf("restore %v: %d %q, want refused with %q", bad.args, code, errs, bad.want)
		}
	}
	if n := restorations(); n != 0 {
		t.Fatalf("refused restorations recorded %d", n)
	}
	code, out, errs := alleybot(t, "", env, "restore", "--steward", "S01", "--by", "A01", "--reason", "已约谈,本人承诺整改")
	if code != 0 || !strings.Contains(out, "restored 王秀兰 (S01)") {
		t.Fatalf("restore: %d %q %q", code, out, errs)
	}
	s01, _ := st.FindPerson(ctx, "S01")
	a01, _ := st.FindPerson(ctx, "A01")
	if suspended, err := st.Suspended(ctx, s01.ID); err != nil || suspended {
		t.Fatalf("still suspended: %v %v", suspended, err)
	}
	rec, err := st.RecordOf(ctx, s01.ID)
	if err != nil || len(rec) != 2 || rec[1].Kind != "restoration" || rec[1].Reason != "已约谈,本人承诺整改" || rec[1].By.Int64 != a01.ID {
		t.Fatalf("record: %+v %v", rec, err)
	}
	for chat, want := range map[string]string{"7001": "您的小巷管家资格已恢复", "-1003": "小巷管家 王秀兰 的资格已恢复"} {
		var texts []string
		if err := st.DB().Select(&texts, `SELECT message->>'Text' FROM outbox WHERE chat_id = $1`, chat); err != nil {
			t.Fatal(err)
		}
		if j := strings.Join(texts, "\n"); !strings.Contains(j, want) || !strings.Contains(j, "已约谈") {
			t.Errorf("chat %s was queued %q, want %q", chat, j, want)
		}
	}
	if code, _, errs := alleybot(t, "", env, "restore", "--steward", "王秀兰", "--by", "A01", "--reason", "再次恢复"); code == 0 || !strings.Contains(errs, "not suspended") {
		t.Errorf("a second restore: %d %q", code, errs)
	}
}
