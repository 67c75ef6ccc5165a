package store_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/store"
)

// The duplicate check (cases.duplicate_radius_m, 50 m): a new report of
// 垃圾 at a point is offered the open cases of 垃圾 within 50 m of it, and
// those of its alley that have no point, oldest first, at most three; never
// a closed case, a case of another kind, or one further away — whichever
// grid cell of the index the near case lies in.
func TestNearbyOpen(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	var alleyA, alleyB, trash, water int64
	if err := st.DB().Get(&alleyA, `
		WITH c AS (INSERT INTO communities (code, name) VALUES ('c1', '社区') RETURNING id)
		INSERT INTO alleys (code, community_id, name, lat, lon, radius_m) SELECT 'a1', id, '帽儿胡同', 39.94, 116.40, 300 FROM c RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().Get(&alleyB, `INSERT INTO alleys (code, community_id, name, lat, lon, radius_m)
		SELECT 'a2', community_id, '雨儿胡同', 39.937, 116.398, 200 FROM alleys WHERE id = $1 RETURNING id`, alleyA); err != nil {
		t.Fatal(err)
	}
	for code, id := range map[string]*int64{"trash": &trash, "water": &water} {
		if err := st.DB().Get(id, `INSERT INTO categories (code, name, name_en, verify_within_minutes, fix_within_minutes)
			VALUES ($1, $1, $1, 60, 1440) RETURNING id`, code); err != nil {
			t.Fatal(err)
		}
	}
	// The report's point: 11 m south of the row boundary at 39.940° and 4 m
	// west of the column boundary at 116.400°, so its 50 m reach four cells.
	const lat0, lon0 = 39.9399, 116.39995
	const mPerDegLat = 6371000 * math.Pi / 180
	mPerDegLon := mPerDegLat * math.Cos(lat0*math.Pi/180)
	at := func(north, east float64) (float64, float64) { return lat0 + north/mPerDegLat, lon0 + east/mPerDegLon }

	clock := time.Date(2026, 12, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	add := func(alley, category int64, closed bool, pt ...float64) store.Case {
		t.Helper()
		clock = clock.Add(time.Minute) // each case younger than the one before
		n := store.NewCase{AlleyID: alley, Description: "堆物", Impact: "alley", Source: "test", At: clock,
			CategoryIDs: []int64{category}, FixedOnSpot: closed}
		if len(pt) == 2 {
			n.Lat, n.Lon = &pt[0], &pt[1]
		}
		c, err := st.CreateCase(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	pt := func(north, east float64) []float64 { la, lo := at(north, east); return []float64{la, lo} }
	// The oldest first: none of these may ever be offered at 50 m.
	closedNear := add(alleyA, trash, true, pt(5, 0)...)
	otherKind := add(alleyA, water, false, pt(0, 3)...)
	far := add(alleyA, trash, false, pt(0, 200)...)
	edgeOut := add(alleyA, trash, false, pt(0, 50.5)...) // east, two columns over
	unplacedB := add(alleyB, trash, false)
	// Then the near ones.
	unplacedA := add(alleyA, trash, false)               // no point, in the report's alley
	acrossRow := add(alleyA, trash, false, pt(33, 0)...) // north of 39.940°
	acrossCol := add(alleyB, trash, false, pt(0, 38)...) // east of 116.400° (its alley does not matter)
	edgeIn := add(alleyA, trash, false, pt(-49.5, 0)...) // south, near the radius
	diagonal := add(alleyA, trash, false, pt(30, 30)...) // the cell north-east

	check := func(name string, alley, category int64, lat, lon *float64, radius float64, want ...store.Case) {
		t.Helper()
		got, err := st.NearbyOpen(ctx, category, alley, lat, lon, radius)
		if err != nil {
			t.Fatal(err)
		}
		var gotN, wantN []string
		for _, c := range got {
			gotN = append(gotN, c.Number)
		}
		for _, c := range want {
			wantN = append(wantN, c.Number)
		}
		if !slices.Equal(gotN, wantN) {
			t.Errorf("%s: NearbyOpen = %v, want %v", name, gotN, wantN)
		}
	}
	la, lo := lat0, lon0
	check("the three oldest near", alleyA, trash, &la, &lo, 50, unplacedA, acrossRow, acrossCol)
	check("from another alley", alleyB, trash, &la, &lo, 50, unplacedB, acrossRow, acrossCol)
	check("another kind", alleyA, water, &la, &lo, 50, otherKind)
	mustExec(t, st, `UPDATE cases SET status = 'closed', closed_at = now() WHERE id = ANY($1)`,
		pq.Array([]int64{unplacedA.ID, acrossRow.ID}))
	check("once two are closed", alleyA, trash, &la, &lo, 50, acrossCol, edgeIn, diagonal)
	check("at 51 m", alleyA, trash, &la, &lo, 51, edgeOut, acrossCol, edgeIn)
	check("a latitude alone", alleyB, trash, &la, nil, 50, unplacedB)
	// Without a point, the alley's open cases of the kind, placed or not.
	check("without a point", alleyA, trash, nil, nil, 50, far, edgeOut, edgeIn)
	// A radius wider than the index's cells walks the open cases as before.
	check("at 250 m (30 cells)", alleyA, trash, &la, &lo, 250, far, edgeOut, acrossCol)
	check("at 2 km", alleyA, trash, &la, &lo, 2000, far, edgeOut, acrossCol)
	check("at 2 km, alley B", alleyB, trash, &la, &lo, 2000, far, edgeOut, unplacedB)
	_ = closedNear

	// Across the antimeridian: 179.9999° E is 17 m from 179.9999° W.
	east := add(alleyA, water, false, 39.94, 179.9999)
	west, wlat := -179.9999, 39.94
	check("across 180°", alleyB, water, &wlat, &west, 50, east)
	if n := count(t, st, `SELECT count(*) FROM cases WHERE status = 'closed' AND id = $1`, closedNear.ID); n != 1 {
		t.Fatalf("the fixed-on-spot case is not closed (%d)", n)
	}
}
