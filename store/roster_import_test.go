package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// TestImportPeopleInBulk: ImportPeople upserts a whole roster's people by
// code, sets each one's roles and patrol windows to exactly those given
// (a second import replaces, never adds), keeps a person's chosen
// language, and takes a WeCom userid away when the file gives none.
func TestImportPeopleInBulk(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	community, err := st.UpsertCommunity(ctx, store.Community{Code: "c", Name: "社区"})
	if err != nil {
		t.Fatal(err)
	}
	dept, err := st.UpsertDepartment(ctx, store.Department{Code: "d", Name: "部门"})
	if err != nil {
		t.Fatal(err)
	}
	alley, err := st.UpsertAlley(ctx, store.Alley{Code: "a", CommunityID: community, Name: "胡同", Lat: 39.9, Lon: 116.4, RadiusM: 200})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	people := func(second bool) []store.RosterPerson {
		ps := make([]store.RosterPerson, n)
		for i := range ps {
			p := store.RosterPerson{Person: store.Person{Code: fmt.Sprintf("P%04d", i), Name: fmt.Sprintf("人%d", i), Lang: "zh", Active: true,
				WecomUserID: sql.NullString{String: fmt.Sprintf("u%d", i), Valid: true}}}
			switch {
			case i%2 == 0:
				p.Roles = []store.PersonRole{{Role: model.RoleSteward, CommunityID: sql.NullInt64{Int64: community, Valid: true}}}
				p.Patrols = []store.PatrolSchedule{{AlleyID: alley, Weekdays: []int64{1, 2, 3}, StartsAt: "08:00", EndsAt: "09:00"}}
				if !second {
					p.Patrols = append(p.Patrols, store.PatrolSchedule{AlleyID: alley, Weekdays: []int64{6, 7}, StartsAt: "16:00", EndsAt: "17:00"})
				}
			default:
				p.Roles = []store.PersonRole{{Role: model.RoleDepartment, DepartmentID: sql.NullInt64{Int64: dept, Valid: true}}}
			}
			if second && i == 1 {
				p.Name, p.WecomUserID, p.Active = "改名", sql.NullString{}, false
				p.Roles = append(p.Roles, store.PersonRole{Role: model.RoleAdmin})
			}
			ps[i] = p
		}
		return ps
	}
	var ids map[string]int64
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		ids, err = tx.ImportPeople(ctx, people(false))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(ids) != n {
		t.Fatalf("%d ids for %d people", len(ids), n)
	}
	if err := st.SetLang(ctx, ids["P0002"], "en"); err != nil {
		t.Fatal(err)
	}
	counts := func() (int, int, int) {
		var people, roles, patrols int
		db := st.DB()
		_ = db.Get(&people, `SELECT count(*) FROM people`)
		_ = db.Get(&roles, `SELECT count(*) FROM person_roles`)
		_ = db.Get(&patrols, `SELECT count(*) FROM patrol_schedules`)
		return people, roles, patrols
	}
	if p, r, w := counts(); p != n || r != n || w != n {
		t.Fatalf("first import: %d people, %d roles, %d patrols; want %d, %d, %d", p, r, w, n, n, n)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		again, err := tx.ImportPeople(ctx, people(true))
		if err == nil && again["P0002"] != ids["P0002"] {
			t.Errorf("a person got a new id on the second import")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if p, r, w := counts(); p != n || r != n+1 || w != n/2 {
		t.Fatalf("second import: %d people, %d roles, %d patrols; want %d, %d, %d", p, r, w, n, n+1, n/2)
	}
	changed, err := st.PersonByID(ctx, ids["P0001"])
	if err != nil {
		t.Fatal(err)
	}
	if changed.Name != "改名" || changed.WecomUserID.Valid || changed.Active {
		t.Errorf("P0001 after the second import: %+v", changed)
	}
	roles, err := st.RolesOf(ctx, ids["P0001"])
	if err != nil || len(roles) != 2 {
		t.Errorf("P0001's roles: %+v %v", roles, err)
	}
	if kept, _ := st.PersonByID(ctx, ids["P0002"]); kept.Lang != "en" {
		t.Errorf("the chosen language was overwritten: %q", kept.Lang)
	}
	patrols, err := st.PatrolsOf(ctx, ids["P0000"])
	if err != nil || len(patrols) != 1 || patrols[0].StartsAt != "08:00" || len(patrols[0].Weekdays) != 3 {
		t.Errorf("P0000's patrols: %+v %v", patrols, err)
	}
}
