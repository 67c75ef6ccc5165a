package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

// TestComplaintCandidatesAndSettle: a complaint about the staff asked from
// 南锣鼓巷社区's residents' group keeps that community; the people it may be
// about are those the resident named (whatever their community), then the
// community's stewards and the subdistrict's coordinators and departments'
// people (none of them when there are more than the limit). Settling sets
// the verdict and the person at once, and only once.
func TestComplaintCandidatesAndSettle(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	cs, err := st.Communities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var nlgx int64
	for _, c := range cs {
		if c.Code == "nanluoguxiang" {
			nlgx = c.ID
		}
	}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	k, err := st.CreateComplaint(ctx, store.NewComplaint{Platform: "telegram", UserID: "r", ChatID: "r", AboutStaff: true,
		AboutText: "王秀兰", Description: "王秀兰和赵玉梅态度很差", CommunityID: nlgx, At: at})
	if err != nil {
		t.Fatal(err)
	}
	if k.CommunityID.Int64 != nlgx {
		t.Errorf("the complaint's community: %v, want %d", k.CommunityID, nlgx)
	}
	codes := func(ps []store.Person) (out []string) {
		for _, p := range ps {
			out = append(out, p.Code)
		}
		return out
	}
	named, staff, err := st.ComplaintCandidates(ctx, k.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(named); !slices.Equal(got, []string{"S01", "S06"}) {
		t.Errorf("named: %v, want [S01 S06]", got)
	}
	want := []string{"A01", "C01", "D01", "D02", "D03", "D04", "P01", "S02", "S03", "S04"} // P01: the property manager's contact
	if got := codes(staff); !slices.Equal(got, want) {
		t.Errorf("staff: %v, want %v", got, want)
	}
	if _, staff, _ := st.ComplaintCandidates(ctx, k.ID, 3); staff != nil {
		t.Errorf("more staff than the limit offered: %v", codes(staff))
	}

	s01 := named[0].ID
	if err := st.SettleComplaint(ctx, k.ID, model.ComplaintUpheld, s01, "已约谈", 0, at); err != nil {
		t.Fatal(err)
	}
	if err := st.SettleComplaint(ctx, k.ID, model.ComplaintNotUpheld, 0, "改判", 0, at); !errors.Is(err, store.ErrComplaintDecided) {
		t.Errorf("settled twice: %v", err)
	}
	if n, err := st.ComplaintsUpheldAbout(ctx, s01, at.Add(-time.Hour), at.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("upheld about S01: %d, %v", n, err)
	}
	ks, err := st.UpheldComplaintsAbout(ctx, s01)
	if err != nil || len(ks) != 1 || ks[0].Number != k.Number || ks[0].Answer != "已约谈" {
		t.Errorf("S01's upheld complaints: %+v, %v", ks, err)
	}
}
