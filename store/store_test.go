package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/internal/pgproxy"
	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

var dbURL string

func TestMain(m *testing.M) {
	os.Exit(testdb.Main(m, "store", func(u string) { dbURL = u }))
}

// addPerson upserts a person (by code) and returns the id.
func addPerson(t *testing.T, st *store.Store, code, name, wecom string) int64 {
	t.Helper()
	ctx := context.Background()
	p := store.Person{Code: code, Name: name, Lang: "zh", Active: true,
		WecomUserID: sql.NullString{String: wecom, Valid: wecom != ""}}
	id, err := st.UpsertPerson(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestMigrateTwiceAppliesNothing(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, false))

	if v, err := st.SchemaVersion(ctx); err != nil || v != 0 {
		t.Fatalf("SchemaVersion of an empty database = %d, %v; want 0, nil", v, err)
	}
	first, err := st.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || len(first) != store.LatestVersion() {
		t.Errorf("first Migrate applied %v, want %d migration(s)", first, store.LatestVersion())
	}
	n1 := count(t, st, `SELECT count(*) FROM schema_migrations`)

	second, err := st.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 0 {
		t.Errorf("second Migrate applied %v, want nothing", second)
	}
	if n2 := count(t, st, `SELECT count(*) FROM schema_migrations`); n2 != n1 || n1 != len(first) {
		t.Errorf("schema_migrations has %d rows after the first run, %d after the second; want %d both times", n1, n2, len(first))
	}
	if v, err := st.SchemaVersion(ctx); err != nil || v != store.LatestVersion() {
		t.Errorf("SchemaVersion = %d, %v; want %d", v, err, store.LatestVersion())
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after Migrate = %v, want nil", err)
	}
	// The seeded rows of the migration are there exactly once.
	if n := count(t, st, `SELECT count(*) FROM roles`); n != 10 {
		t.Errorf("roles has %d rows, want 10", n)
	}
	if n := count(t, st, `SELECT count(*) FROM categories`); n != 4 {
		t.Errorf("categories has %d rows, want 4", n)
	}
}

func TestCheckSchema(t *testing.T) {
	ctx := context.Background()
	t.Run("un-migrated", func(t *testing.T) {
		st := testdb.Open(t, testdb.Fresh(t, false))
		err := st.CheckSchema(ctx)
		if !errors.Is(err, store.ErrSchemaOutdated) {
			t.Fatalf("CheckSchema = %v, want an error wrapping ErrSchemaOutdated", err)
		}
		if !strings.Contains(err.Error(), "alleybot migrate") {
			t.Errorf("error %q does not say to run `alleybot migrate`", err)
		}
	})
	t.Run("schema_migrations empty", func(t *testing.T) {
		st := testdb.Open(t, testdb.Fresh(t, false))
		if _, err := st.DB().ExecContext(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if err := st.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
			t.Errorf("CheckSchema = %v, want ErrSchemaOutdated", err)
		}
	})
	t.Run("newer than the binary", func(t *testing.T) {
		st := testdb.Open(t, testdb.Fresh(t, true))
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')`); err != nil {
			t.Fatal(err)
		}
		err := st.CheckSchema(ctx)
		if err == nil || errors.Is(err, store.ErrSchemaOutdated) || !strings.Contains(err.Error(), "upgrade alleybot") {
			t.Errorf("CheckSchema = %v, want a 'newer … upgrade alleybot' error that is not ErrSchemaOutdated", err)
		}
	})
	t.Run("migrated", func(t *testing.T) {
		st := testdb.Open(t, dbURL)
		if err := st.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema = %v, want nil", err)
		}
	})
}

func TestCaseEventsAppendOnly(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	db := st.DB()

	var communityID, caseID, eventID int64
	if err := db.GetContext(ctx, &communityID, `INSERT INTO communities (code, name) VALUES ('c1', '社区') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &caseID, `
		INSERT INTO cases (number, community_id, description, impact, status, source)
		VALUES ('2025-0001', $1, '垃圾', 'low', 'submitted', 'test') RETURNING id`, communityID); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &eventID, `INSERT INTO case_events (case_id, kind, note) VALUES ($1, 'reported', 'first') RETURNING id`, caseID); err != nil {
		t.Fatalf("appending an event: %v", err)
	}
	// Appending more is allowed.
	if _, err := db.ExecContext(ctx, `INSERT INTO case_events (case_id, kind) VALUES ($1, 'assigned')`, caseID); err != nil {
		t.Fatalf("appending a second event: %v", err)
	}

	tests := []struct {
		name  string
		query string
	}{
		{"update note", `UPDATE case_events SET note = 'rewritten' WHERE id = $1`},
		{"update every row", `UPDATE case_events SET kind = kind WHERE id >= $1`},
		{"delete one", `DELETE FROM case_events WHERE id = $1`},
		{"delete all", `DELETE FROM case_events WHERE id >= $1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.ExecContext(ctx, tt.query, eventID)
			if err == nil {
				t.Fatalf("%s succeeded on case_events", tt.query)
			}
			if !strings.Contains(err.Error(), "append-only") {
				t.Errorf("error %q does not say append-only", err)
			}
		})
	}
	if n := count(t, st, `SELECT count(*) FROM case_events WHERE case_id = $1`, caseID); n != 2 {
		t.Errorf("case_events has %d rows, want 2", n)
	}
	var note string
	if err := db.GetContext(ctx, &note, `SELECT note FROM case_events WHERE id = $1`, eventID); err != nil || note != "first" {
		t.Errorf("note = %q, %v; want %q", note, err, "first")
	}

	// TRUNCATE fires no row trigger; an append-only table should refuse it too.
	t.Run("truncate", func(t *testing.T) {
		_, err := db.ExecContext(ctx, `TRUNCATE case_events CASCADE`)
		if n := count(t, st, `SELECT count(*) FROM case_events WHERE case_id = $1`, caseID); err == nil || n != 2 {
			t.Fatalf("TRUNCATE case_events succeeds (%d rows left)", n)
		}
	})
}

func TestInvites(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	alice := addPerson(t, st, "P01", "Alice", "")
	bob := addPerson(t, st, "P02", "Bob", "")

	redeem := func(code, platform, ext string) (store.Person, error) {
		var p store.Person
		err := st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			p, err = tx.RedeemInvite(ctx, code, platform, ext, "user_"+ext)
			return err
		})
		return p, err
	}
	whoIs := func(platform, ext string) (store.Person, error) {
		return st.PersonByIdentity(ctx, platform, ext)
	}
	invite := func(person int64) store.Invite {
		inv, err := st.CreateInvite(ctx, person, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}

	t.Run("code shape", func(t *testing.T) {
		inv := invite(alice)
		if inv.PersonID != alice || len(inv.Code) != 10 {
			t.Errorf("invite %+v: want person %d and a 10-character code", inv, alice)
		}
		for _, r := range inv.Code {
			if !strings.ContainsRune("ABCDEFGHJKMNPQRSTUVWXYZ23456789", r) {
				t.Errorf("code %q has %q, outside the unambiguous alphabet", inv.Code, r)
			}
		}
		if n := count(t, st, `SELECT count(*) FROM invites WHERE code = $1 AND expires_at > now() + interval '59 minutes'`, inv.Code); n != 1 {
			t.Errorf("invite %s does not expire about an hour from now", inv.Code)
		}
		if other := invite(alice); other.Code == inv.Code {
			t.Errorf("two invites share the code %s", inv.Code)
		}
	})

	t.Run("redeem binds, same account again is fine, another account is refused", func(t *testing.T) {
		inv := invite(alice)
		if _, err := whoIs("telegram", "1001"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("before redeeming: PersonByIdentity = %v, want ErrNotFound", err)
		}
		p, err := redeem(inv.Code, "telegram", "1001")
		if err != nil || p.ID != alice {
			t.Fatalf("RedeemInvite = %+v, %v; want Alice", p, err)
		}
		if got, err := whoIs("telegram", "1001"); err != nil || got.ID != alice || got.Name != "Alice" {
			t.Errorf("PersonByIdentity after redeeming = %+v, %v; want Alice", got, err)
		}
		// Pressing the link again from the same account.
		if p, err := redeem(inv.Code, "telegram", "1001"); err != nil || p.ID != alice {
			t.Errorf("same account again: %+v, %v; want Alice, nil", p, err)
		}
		// Another account, another platform with the same id.
		for _, acct := range [][2]string{{"telegram", "2002"}, {"wecom", "1001"}} {
			if _, err := redeem(inv.Code, acct[0], acct[1]); !errors.Is(err, store.ErrInviteUsed) {
				t.Errorf("%s:%s redeeming a used code: %v, want ErrInviteUsed", acct[0], acct[1], err)
			}
			if _, err := whoIs(acct[0], acct[1]); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s:%s got bound by a refused redeem: %v", acct[0], acct[1], err)
			}
		}
		if n := count(t, st, `SELECT count(*) FROM identities WHERE person_id = $1`, alice); n != 1 {
			t.Errorf("Alice has %d identities, want 1", n)
		}
	})

	t.Run("code is trimmed and case-insensitive", func(t *testing.T) {
		inv := invite(bob)
		p, err := redeem("  "+strings.ToLower(inv.Code)+"\n", "telegram", "3003")
		if err != nil || p.ID != bob {
			t.Fatalf("RedeemInvite(lower-case code) = %+v, %v; want Bob", p, err)
		}
	})

	t.Run("unknown code", func(t *testing.T) {
		for _, code := range []string{"NOSUCHCODE", "", "   "} {
			if _, err := redeem(code, "telegram", "4004"); !errors.Is(err, store.ErrInviteUnknown) {
				t.Errorf("RedeemInvite(%q) = %v, want ErrInviteUnknown", code, err)
			}
		}
	})

	t.Run("expired", func(t *testing.T) {
		inv := invite(bob)
		if _, err := st.DB().ExecContext(ctx, `UPDATE invites SET expires_at = now() - interval '1 minute' WHERE code = $1`, inv.Code); err != nil {
			t.Fatal(err)
		}
		if _, err := redeem(inv.Code, "telegram", "5005"); !errors.Is(err, store.ErrInviteExpired) {
			t.Errorf("RedeemInvite(expired) = %v, want ErrInviteExpired", err)
		}
		if _, err := whoIs("telegram", "5005"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired invite bound the account: %v", err)
		}
		if n := count(t, st, `SELECT count(*) FROM invites WHERE code = $1 AND used_at IS NULL`, inv.Code); n != 1 {
			t.Error("an expired invite was marked used")
		}
	})

	t.Run("re-invited person moves to the new account", func(t *testing.T) {
		carol := addPerson(t, st, "P03", "Carol", "")
		if _, err := redeem(invite(carol).Code, "telegram", "6001"); err != nil {
			t.Fatal(err)
		}
		if _, err := redeem(invite(carol).Code, "telegram", "6002"); err != nil {
			t.Fatal(err)
		}
		if _, err := whoIs("telegram", "6001"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the old account still finds Carol: %v", err)
		}
		if p, err := whoIs("telegram", "6002"); err != nil || p.ID != carol {
			t.Errorf("the new account: %+v, %v; want Carol", p, err)
		}
	})

	t.Run("an account bound to someone else moves", func(t *testing.T) {
		dan := addPerson(t, st, "P04", "Dan", "")
		erin := addPerson(t, st, "P05", "Erin", "")
		if _, err := redeem(invite(dan).Code, "telegram", "7001"); err != nil {
			t.Fatal(err)
		}
		if _, err := redeem(invite(erin).Code, "telegram", "7001"); err != nil {
			t.Fatal(err)
		}
		if p, err := whoIs("telegram", "7001"); err != nil || p.ID != erin {
			t.Errorf("the account: %+v, %v; want Erin", p, err)
		}
		if n := count(t, st, `SELECT count(*) FROM identities WHERE person_id = $1`, dan); n != 0 {
			t.Errorf("Dan still has %d identities", n)
		}
	})

	t.Run("a rolled-back redeem changes nothing", func(t *testing.T) {
		inv := invite(bob)
		boom := errors.New("boom")
		err := st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.RedeemInvite(ctx, inv.Code, "telegram", "8008", "x"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		if _, err := whoIs("telegram", "8008"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("rolled-back redeem left a binding: %v", err)
		}
		if p, err := redeem(inv.Code, "telegram", "8009"); err != nil || p.ID != bob {
			t.Errorf("the invite is not usable after the rollback: %+v, %v", p, err)
		}
	})
}

func TestPersonByIdentityWecom(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	id := addPerson(t, st, "W01", "企微用户", "wx-user")

	tests := []struct {
		platform, ext string
		wantID        int64 // 0 = not found
	}{
		{"wecom", "wx-user", id},     // matched by the roster's userid, no invite needed
		{"telegram", "wx-user", 0},   // only WeCom falls back to wecom_userid
		{"wecom", "someone-else", 0}, // unknown
	}
	for _, tt := range tests {
		t.Run(tt.platform+":"+tt.ext, func(t *testing.T) {
			p, err := st.PersonByIdentity(ctx, tt.platform, tt.ext)
			if tt.wantID == 0 {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("PersonByIdentity = %+v, %v; want ErrNotFound", p, err)
				}
				return
			}
			if err != nil || p.ID != tt.wantID {
				t.Errorf("PersonByIdentity = %+v, %v; want id %d", p, err, tt.wantID)
			}
		})
	}
}

func TestMarkProcessed(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, dbURL)
	steps := []struct {
		platform, key string
		want          bool
	}{
		{"telegram", "mark-1", true},
		{"telegram", "mark-1", false},
		{"telegram", "mark-1", false},
		{"wecom", "mark-1", true}, // the same key on another platform is another update
		{"telegram", "mark-2", true},
	}
	for i, s := range steps {
		var got bool
		err := st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			got, err = tx.MarkProcessed(ctx, s.platform, s.key)
			return err
		})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got != s.want {
			t.Errorf("step %d: MarkProcessed(%s, %s) = %v, want %v", i, s.platform, s.key, got, s.want)
		}
	}

	// A key marked in a transaction that rolls back is not processed.
	_ = st.InTx(ctx, func(tx *store.Tx) error {
		if ok, err := tx.MarkProcessed(ctx, "telegram", "mark-rolled-back"); err != nil || !ok {
			t.Errorf("MarkProcessed = %v, %v; want true", ok, err)
		}
		return errors.New("roll back")
	})
	if ok, err := st.MarkProcessed(ctx, "telegram", "mark-rolled-back"); err != nil || !ok {
		t.Errorf("after rollback: MarkProcessed = %v, %v; want true", ok, err)
	}
}

func TestFindPerson(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	addPerson(t, st, "S01", "王秀兰", "")
	addPerson(t, st, "S02", "李伟", "")
	addPerson(t, st, "D07", "李伟", "")
	addPerson(t, st, "X01", "S01", "") // a name that is someone else's code

	tests := []struct {
		query    string
		wantCode string
		wantErr  error
		errParts []string
	}{
		{"S01", "S01", nil, nil}, // the code wins over X01's name
		{"S02", "S02", nil, nil},
		{"王秀兰", "S01", nil, nil},
		{"X01", "X01", nil, nil},
		{"李伟", "", store.ErrAmbiguous, []string{"李伟", "D07, S02", "use the code"}},
		{"nobody", "", store.ErrNotFound, nil},
		{"s01", "", store.ErrNotFound, nil}, // codes are exact
		{"", "", store.ErrNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p, err := st.FindPerson(ctx, tt.query)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("FindPerson(%q) = %+v, %v; want %v", tt.query, p, err, tt.wantErr)
				}
				for _, part := range tt.errParts {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("error %q does not contain %q", err, part)
					}
				}
				return
			}
			if err != nil || p.Code != tt.wantCode {
				t.Errorf("FindPerson(%q) = %+v, %v; want code %s", tt.query, p, err, tt.wantCode)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()

	t.Run("unreachable", func(t *testing.T) {
		const dsn = "postgres://u:secret@127.0.0.1:1/x?sslmode=disable"
		st, err := store.Open(ctx, dsn, 1)
		if err == nil {
			st.Close()
			t.Fatal("Open of port 1 succeeded")
		}
		msg := err.Error()
		if strings.Contains(msg, "secret") {
			t.Errorf("error shows the password: %q", msg)
		}
		for _, part := range []string{"postgres://u:xxxxx@127.0.0.1:1/x?sslmode=disable", "start PostgreSQL", "DATABASE_URL"} {
			if !strings.Contains(msg, part) {
				t.Errorf("error %q does not contain %q", msg, part)
			}
		}
		var ue *store.UnreachableError
		if !errors.As(err, &ue) || ue.Err == nil {
			t.Errorf("error %T is not an *UnreachableError with a cause", err)
		}
	})

	t.Run("database does not exist", func(t *testing.T) {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(u.User.Username(), "topsecret") // trust auth ignores it
		u.Path = "/alleybot_test_no_such_database"
		st, err := store.Open(ctx, u.String(), 1)
		if err == nil {
			st.Close()
			t.Fatal("Open of a missing database succeeded")
		}
		msg := err.Error()
		if strings.Contains(msg, "topsecret") {
			t.Errorf("error shows the password: %q", msg)
		}
		for _, part := range []string{"alleybot_test_no_such_database", "does not exist", "alleybot migrate", "xxxxx"} {
			if !strings.Contains(msg, part) {
				t.Errorf("error %q does not contain %q", msg, part)
			}
		}
	})
}

// TestOpenMasksQueryPassword: a password given as lib/pq's password= query
// parameter must not appear in the error either.
func TestOpenMasksQueryPassword(t *testing.T) {
	st, err := store.Open(context.Background(), "postgres://u@127.0.0.1:1/x?sslmode=disable&password=secret", 1)
	if err == nil {
		st.Close()
		t.Fatal("Open of port 1 succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Fatalf("the error shows a password given as a query parameter: %v", err)
	}
}

func TestInTx(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	boom := errors.New("boom")

	err := st.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.UpsertCommunity(ctx, store.Community{Code: "rolled", Name: "回滚"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the callback's error", err)
	}
	if n := count(t, st, `SELECT count(*) FROM communities WHERE code = 'rolled'`); n != 0 {
		t.Errorf("a failed transaction left %d row(s)", n)
	}

	if err := st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.UpsertCommunity(ctx, store.Community{Code: "kept", Name: "保留"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, `SELECT count(*) FROM communities WHERE code = 'kept'`); n != 1 {
		t.Errorf("a committed transaction left %d row(s), want 1", n)
	}
}

func TestUpsertsAreIdempotent(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	db := st.DB()

	c1, err := st.UpsertCommunity(ctx, store.Community{Code: "c", Name: "旧名"})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := st.UpsertCommunity(ctx, store.Community{Code: "c", Name: "新名", NameEn: "New"})
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c2 {
		t.Errorf("upserting the same code gave ids %d and %d", c1, c2)
	}
	var name string
	if err := db.GetContext(ctx, &name, `SELECT name FROM communities WHERE id = $1`, c1); err != nil || name != "新名" {
		t.Errorf("name = %q, %v; want 新名", name, err)
	}

	p1 := addPerson(t, st, "P", "甲", "")
	if err := st.SetLang(ctx, p1, "en"); err != nil {
		t.Fatal(err)
	}
	p2 := addPerson(t, st, "P", "乙", "")
	got, err := st.PersonByID(ctx, p1)
	if err != nil || p1 != p2 || got.Name != "乙" {
		t.Errorf("person after re-upsert: %+v, %v (ids %d, %d)", got, err, p1, p2)
	}
	if got.Lang != "en" {
		t.Errorf("re-upserting a person reset the language they chose to %q", got.Lang)
	}
	if _, err := st.PersonByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PersonByID(missing) = %v, want ErrNotFound", err)
	}

	// A second person may not take the first one's wecom_userid.
	addPerson(t, st, "Q", "丙", "wx")
	_, err = st.UpsertPerson(ctx, store.Person{Code: "R", Name: "丁", Lang: "zh", Active: true,
		WecomUserID: sql.NullString{String: "wx", Valid: true}})
	if !store.IsUniqueViolation(err) {
		t.Errorf("duplicate wecom_userid: %v, want a unique violation", err)
	}
	if store.IsUniqueViolation(errors.New("other")) || store.IsUniqueViolation(nil) {
		t.Error("IsUniqueViolation is true for a plain error")
	}
}

func TestRolesHaveNames(t *testing.T) {
	st := testdb.Open(t, dbURL)
	codes, err := st.RoleCodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"steward", "coordinator", "department", "trainer", "supervisor", "admin", "assessor", "treasurer", "property", "volunteer"}
	if strings.Join(codes, ",") != strings.Join(want, ",") {
		t.Errorf("RoleCodes = %v, want %v (in sort order)", codes, want)
	}
	for _, c := range codes {
		if !i18n.Has("role." + c) {
			t.Errorf("role %q has no i18n key role.%s", c, c)
		}
	}
}

func TestTableCounts(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	before, err := st.TableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"roles": 10, "categories": 4, "schema_migrations": store.LatestVersion(), "people": 0, "communities": 0}
	for k, v := range want {
		if before[k] != v {
			t.Errorf("TableCounts[%s] = %d, want %d", k, before[k], v)
		}
	}
	addPerson(t, st, "N", "新人", "")
	after, err := st.TableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after["people"] != before["people"]+1 {
		t.Errorf("people: %d then %d, want one more", before["people"], after["people"])
	}
}

// TestRateOncePerClosing: an account answers once per closing of a case; a
// case reopened and closed again may be rated again, and an open case not
// at all.
func TestRateOncePerClosing(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	db := st.DB()
	var caseID int64
	if err := db.GetContext(ctx, &caseID, `
		INSERT INTO cases (number, description, impact, status, source, closed_at)
		VALUES ('2026-000001', '垃圾', 'low', 'closed', 'test', now() - interval '1 day') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	rate := func(user string) bool {
		t.Helper()
		ok, err := st.Rate(ctx, caseID, "telegram", user, 4, false)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !rate("1") || rate("1") || !rate("2") {
		t.Fatal("first closing: want each account once")
	}
	// Reopened: no closing, no rating.
	if _, err := db.ExecContext(ctx, `UPDATE cases SET status = 'submitted', closed_at = NULL WHERE id = $1`, caseID); err != nil {
		t.Fatal(err)
	}
	if rate("3") {
		t.Fatal("an open case took a rating")
	}
	// Closed again: the same accounts are asked again.
	if _, err := db.ExecContext(ctx, `UPDATE cases SET status = 'closed', closed_at = now() WHERE id = $1`, caseID); err != nil {
		t.Fatal(err)
	}
	if !rate("1") || rate("1") {
		t.Fatal("second closing: want the account once more")
	}
	if n := count(t, st, `SELECT count(*) FROM case_ratings WHERE case_id = $1`, caseID); n != 3 {
		t.Errorf("%d ratings stored, want 3", n)
	}
}

// TestIsPermanent: the database refusing the data is permanent (a retry
// meets it again); a unique conflict or a cancelled query is not.
func TestIsPermanent(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	db := st.DB()
	_, nul := db.ExecContext(ctx, `INSERT INTO communities (code, name) VALUES ('c1', $1)`, "a\x00b")
	_, cast := db.ExecContext(ctx, `SELECT 'x'::int`)
	if _, err := db.ExecContext(ctx, `INSERT INTO communities (code, name) VALUES ('c2', 'x')`); err != nil {
		t.Fatal(err)
	}
	_, dup := db.ExecContext(ctx, `INSERT INTO communities (code, name) VALUES ('c2', 'x')`)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, cancelled := db.ExecContext(cctx, `SELECT 1`)
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{{"NUL byte", nul, true}, {"bad cast", cast, true}, {"unique", dup, false}, {"cancelled", cancelled, false}, {"nil", nil, false}} {
		if tc.err == nil && tc.name != "nil" {
			t.Errorf("%s: no error", tc.name)
		}
		if got := store.IsPermanent(tc.err); got != tc.want {
			t.Errorf("%s: IsPermanent(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestSpeaker: the person behind an account and their roles in one read,
// the same as PersonByIdentity and RolesOf; a WeCom userid from the roster.
func TestSpeaker(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	d, err := st.FindPerson(ctx, "D01")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.BindIdentity(ctx, "telegram", "555", d.ID); err != nil {
		t.Fatal(err)
	}
	for _, acct := range [][2]string{{"telegram", "555"}, {"wecom", "wangxiulan"}} {
		p, roles, err := st.Speaker(ctx, acct[0], acct[1])
		if err != nil {
			t.Fatalf("%v: %v", acct, err)
		}
		want, err := st.PersonByIdentity(ctx, acct[0], acct[1])
		if err != nil {
			t.Fatal(err)
		}
		wantRoles, err := st.RolesOf(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p != want || !reflect.DeepEqual(roles, wantRoles) {
			t.Errorf("%v: got %+v %+v, want %+v %+v", acct, p, roles, want, wantRoles)
		}
	}
	if _, _, err := st.Speaker(ctx, "telegram", "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
}

// TestIsTransient: the errors a database outage and lost races really give
// (through a proxy that is cut: a connection reset mid-statement, then
// refused; a serialization failure, a deadlock, a statement timeout, the
// server shutting down) will pass; the data refused, a syntax error or a
// missing table will not.
func TestIsTransient(t *testing.T) {
	ctx := context.Background()
	url := testdb.Fresh(t, false)
	proxy, viaProxy, err := pgproxy.ForURL(url)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	st := testdb.Open(t, viaProxy)
	db := st.DB()
	if _, err := db.ExecContext(ctx, `SELECT 1`); err != nil {
		t.Fatal(err)
	}
	raise := func(code string) error {
		_, err := db.ExecContext(ctx, `DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '`+code+`'; END $$`)
		return err
	}
	// A statement in flight when the database goes away.
	inFlight := make(chan error, 1)
	go func() {
		_, err := db.ExecContext(ctx, `SELECT pg_sleep(5)`)
		inFlight <- err
	}()
	time.Sleep(300 * time.Millisecond)
	proxy.Down()
	reset := <-inFlight
	_, refused := db.ExecContext(ctx, `SELECT 1`)
	_, beginRefused := st.DB().BeginTxx(ctx, nil)
	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	var timeout error
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.SQL().ExecContext(ctx, `SET LOCAL statement_timeout = '50ms'`); err != nil {
			return err
		}
		_, err := tx.SQL().ExecContext(ctx, `SELECT pg_sleep(1)`)
		return err
	})
	timeout = err
	_, syntax := db.ExecContext(ctx, `SELEC 1`)
	_, missing := db.ExecContext(ctx, `SELECT * FROM no_such_table`)
	_, cast := db.ExecContext(ctx, `SELECT 'x'::int`)
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"reset in flight", reset, true},
		{"connection refused", refused, true},
		{"begin refused", beginRefused, true},
		{"serialization failure", raise("40001"), true},
		{"deadlock", raise("40P01"), true},
		{"shutting down", raise("57P01"), true},
		{"cannot connect now", raise("57P03"), true},
		{"too many connections", raise("53300"), true},
		{"lock not available", raise("55P03"), true},
		{"statement timeout", timeout, true},
		{"wrapped with %v", fmt.Errorf("read draft: %v", refused), true},
		{"syntax", syntax, false},
		{"missing table", missing, false},
		{"bad cast", cast, false},
		{"not null", raise("23502"), false},
		{"nil", nil, false},
	} {
		if tc.err == nil && tc.name != "nil" {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if got := store.IsTransient(tc.err); got != tc.want {
			t.Errorf("%s: IsTransient(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
		if tc.want && store.IsPermanent(tc.err) {
			t.Errorf("%s: both transient and permanent: %v", tc.name, tc.err)
		}
	}
}
