package open311_test

// A client of Open311 GeoReport v2 written from the spec's field lists
// (wiki.open311.org/GeoReport_v2), against serve's handler with a real
// database holding the example roster.

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alleybot/alleybot/internal/testdb"
	"github.com/alleybot/alleybot/open311"
	"github.com/alleybot/alleybot/roster"
	"github.com/alleybot/alleybot/store"
)

const key = "city-key-0123456789abcdef"

// The spec's fields: a service in services.json, a request in
// requests.json, the answer to a POST, an error.
var (
	serviceFields = []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	requestFields = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
		"address_id", "zipcode", "lat", "long", "media_url"}
	postFields  = []string{"service_request_id", "service_notice", "account_id"}
	errorFields = []string{"code", "description"}
)

type world struct {
	st       *store.Store
	srv      *httptest.Server
	now      time.Time
	loc      *time.Location
	stewards string // the dispatched case reported by the steward S01
}

func setup(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, testdb.Fresh(t, true))
	if _, err := roster.Import(ctx, st, "../examples/roster.yaml"); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	w := &world{st: st, loc: loc, now: time.Date(2026, 12, 5, 10, 0, 0, 0, loc)}
	var steward, alley int64
	if err := st.DB().QueryRowx(`SELECT (SELECT id FROM people WHERE code = 'S01'), (SELECT id FROM alleys WHERE code = 'maoer')`).Scan(&steward, &alley); err != nil {
		t.Fatal(err)
	}
	cat, err := st.CategoryByCode(ctx, "sanitation")
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := 39.9378, 116.3983
	c, err := st.CreateCase(ctx, store.NewCase{AlleyID: alley, Lat: &lat, Lon: &lon, Description: "门口垃圾桶满溢", Impact: "alley",
		ReporterID: steward, Source: "telegram", CategoryIDs: []int64{cat.ID}, DepartmentID: cat.DepartmentID, At: w.now.Add(-2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Dispatch(ctx, c.ID, cat.DepartmentID.Int64, nil, w.now.Add(-time.Hour), w.now.Add(time.Hour), w.now.Add(23*time.Hour)); err != nil {
		t.Fatal(err)
	}
	w.stewards = c.Number
	center, err := st.ChatByCode(ctx, "center")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.BindChat(ctx, center.ID, "telegram", "-100311"); err != nil {
		t.Fatal(err)
	}
	w.srv = httptest.NewServer(open311.Handler(st, open311.Options{Clients: []open311.Client{{Name: "city", APIKey: key}},
		Location: loc, Now: func() time.Time { return w.now }}))
	t.Cleanup(w.srv.Close)
	return w
}

// get fetches path and decodes the JSON list it answers, checking status.
func (w *world) get(t *testing.T, path string, status int) ([]map[string]any, string) {
	t.Helper()
	res, err := http.Get(w.srv.URL + "/open311/v2/" + path)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res, status)
}

func (w *world) post(t *testing.T, form url.Values, status int) ([]map[string]any, string) {
	t.Helper()
	res, err := http.PostForm(w.srv.URL+"/open311/v2/requests.json", form)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, res, status)
}

func decode(t *testing.T, res *http.Response, status int) ([]map[string]any, string) {
	t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", res.Request.Method, res.Request.URL, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("not a JSON list: %v: %s", err, body)
	}
	return out, string(body)
}

func hasFields(t *testing.T, what string, m map[string]any, fields []string) {
	t.Helper()
	for _, f := range fields {
		if _, ok := m[f]; !ok {
			t.Errorf("%s lacks %q: %v", what, f, m)
		}
	}
}

func TestServices(t *testing.T) {
	w := setup(t)
	list, _ := w.get(t, "services.json", http.StatusOK)
	cats, err := w.st.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(cats) || len(cats) == 0 {
		t.Fatalf("%d services for %d categories", len(list), len(cats))
	}
	for i, s := range list {
		hasFields(t, "service", s, serviceFields)
		if s["service_code"] != cats[i].Code || s["service_name"] != cats[i].Name || s["metadata"] != false || s["type"] != "realtime" {
			t.Errorf("service %d: %v, category %+v", i, s, cats[i])
		}
	}
	if list[0]["group"] != "交道口街道环卫所" { // sanitation's department in the roster
		t.Errorf("group %v", list[0]["group"])
	}
}

func TestPostThenRead(t *testing.T) {
	w := setup(t)
	// At the centre of 菊儿胡同, with the caller's personal fields, which are not kept.
	created, _ := w.post(t, url.Values{"api_key": {key}, "service_code": {"facilities"}, "lat": {"39.9411"}, "long": {"116.4009"},
		"description": {"路灯不亮"}, "first_name": {"钱"}, "last_name": {"多多"}, "phone": {"13999990000"}, "email": {"qdd@example.com"}}, http.StatusOK)
	if len(created) != 1 {
		t.Fatalf("answer %v", created)
	}
	hasFields(t, "POST answer", created[0], postFields)
	number, _ := created[0]["service_request_id"].(string)
	if number == "" {
		t.Fatalf("no service_request_id: %v", created)
	}
	// The case in the database: no reporter, source open311, in 菊儿胡同, facilities, its department.
	var c struct {
		Alley, Category, Dept, Source, Status string
		Reporter                              sql.NullInt64
	}
	if err := w.st.DB().QueryRowx(`SELECT a.code, g.code, d.code, c.source, c.status, c.reporter_id FROM cases c
		JOIN alleys a ON a.id = c.alley_id JOIN case_categories cc ON cc.case_id = c.id AND cc.lead
		JOIN categories g ON g.id = cc.category_id JOIN departments d ON d.id = c.department_id
		WHERE c.number = $1`, number).Scan(&c.Alley, &c.Category, &c.Dept, &c.Source, &c.Status, &c.Reporter); err != nil {
		t.Fatal(err)
	}
	if c.Alley != "juer" || c.Category != "facilities" || c.Dept != "fangguan" || c.Source != "open311" || c.Status != "submitted" || c.Reporter.Valid {
		t.Fatalf("case %s: %+v", number, c)
	}

	// The center is told, in its group, with the case's buttons.
	var card string
	if err := w.st.DB().Get(&card, `SELECT message::text FROM outbox WHERE platform = 'telegram' AND chat_id = '-100311'`); err != nil {
		t.Fatalf("the center's card: %v", err)
	}
	if !strings.Contains(card, number) || !strings.Contains(card, "菊儿胡同") || !strings.Contains(card, "dispatch") {
		t.Errorf("the center's card: %s", card)
	}

	// By address only: 前圆恩寺胡同 named in the address.
	created, _ = w.post(t, url.Values{"api_key": {key}, "service_code": {"order"}, "address_string": {"东城区前圆恩寺胡同12号门口"}}, http.StatusOK)
	byAddress := created[0]["service_request_id"].(string)
	var alley string
	if err := w.st.DB().QueryRowx(`SELECT a.code FROM cases c JOIN alleys a ON a.id = c.alley_id WHERE c.number = $1`, byAddress).Scan(&alley); err != nil || alley != "qianyuanensi" {
		t.Fatalf("by address: alley %q, %v", alley, err)
	}

	// Listed in requests.json, newest first, with the spec's fields.
	list, _ := w.get(t, "requests.json", http.StatusOK)
	var numbers []string
	for _, r := range list {
		hasFields(t, "request", r, requestFields)
		numbers = append(numbers, r["service_request_id"].(string))
	}
	if !slices.Equal(numbers, []string{byAddress, number, w.stewards}) {
		t.Fatalf("requests.json lists %v", numbers)
	}
	r := list[1]
	if r["status"] != "open" || r["service_code"] != "facilities" || r["description"] != "路灯不亮" ||
		r["agency_responsible"] != "东城区房管中心交道口管理所" || r["lat"] != 39.9411 || r["long"] != 116.4009 || r["address"] != "菊儿胡同" {
		t.Errorf("the posted request: %v", r)
	}
	// The steward's dispatched case: its running clock (verify by 11:00).
	one, _ := w.get(t, "requests/"+w.stewards+".json", http.StatusOK)
	if len(one) != 1 || one[0]["expected_datetime"] != "2026-12-05T11:00:00+08:00" || one[0]["agency_responsible"] != "交道口街道环卫所" ||
		one[0]["requested_datetime"] != "2026-12-05T08:00:00+08:00" {
		t.Errorf("requests/%s.json: %v", w.stewards, one)
	}

	// Filters.
	count := func(q string) int {
		t.Helper()
		l, _ := w.get(t, "requests.json?"+q, http.StatusOK)
		return len(l)
	}
	for q, want := range map[string]int{
		"service_code=facilities": 1,
		"service_code=safety":     0,
		"status=open":             3,
		"status=closed":           0,
		"service_request_id=" + number + "," + byAddress:  2,
		"start_date=2026-12-05T09:00:00%2B08:00":          2, // the two posted at 10:00, not the steward's of 08:00
		"end_date=2026-12-05T09:00:00%2B08:00":            1,
		"start_date=2026-11-01&end_date=2026-11-30":       0,
		"service_request_id=" + number + "&status=closed": 1, // the spec: other filters ignored
		"page_size=2":        2,
		"page_size=2&page=2": 1,
		"page_size=2&page=3": 0,
	} {
		if got := count(q); got != want {
			t.Errorf("requests.json?%s: %d requests, want %d", q, got, want)
		}
	}
	if _, err := w.st.DB().Exec(`UPDATE cases SET status = 'closed', closed_at = now() WHERE number = $1`, w.stewards); err != nil {
		t.Fatal(err)
	}
	closed, _ := w.get(t, "requests.json?status=closed", http.StatusOK)
	if len(closed) != 1 || closed[0]["service_request_id"] != w.stewards || closed[0]["status"] != "closed" || closed[0]["expected_datetime"] != "" {
		t.Errorf("status=closed: %v", closed)
	}
}

// TestNoPersonalData: no name or phone of anyone in the roster, nor the
// POST's caller, is in any answer.
func TestNoPersonalData(t *testing.T) {
	w := setup(t)
	w.post(t, url.Values{"api_key": {key}, "service_code": {"safety"}, "lat": {"39.9368"}, "long": {"116.3986"},
		"first_name": {"钱"}, "last_name": {"多多"}, "phone": {"13999990000"}, "email": {"qdd@example.com"}, "account_id": {"acct-77"}}, http.StatusOK)
	// A case a resident's complaint became: the resident's words and address stay out.
	if _, err := w.st.DB().Exec(`INSERT INTO cases (number, alley_id, community_id, description, address, impact, status, source, created_at)
		SELECT '2026-777777', a.id, a.community_id, '楼下邻居天天在门口堆纸箱', '雨儿胡同8号后院', 'alley', 'submitted', 'complaint', $1
		FROM alleys a WHERE a.code = 'yuer'`, w.now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, p := range []string{"services.json", "requests.json", "requests.json?status=open&page_size=100", "requests/" + w.stewards + ".json"} {
		_, body := w.get(t, p, http.StatusOK)
		bodies = append(bodies, body)
	}
	all := strings.Join(bodies, "\n")
	rows, err := w.st.DB().Query(`SELECT name FROM people UNION SELECT phone FROM people WHERE phone <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		n++
		if strings.Contains(all, s) {
			t.Errorf("%q is in an answer", s)
		}
	}
	if n < 10 {
		t.Fatalf("only %d names and phones in the roster", n)
	}
	if !strings.Contains(all, "2026-777777") {
		t.Fatal("the complaint's case is not listed")
	}
	for _, s := range []string{"多多", "13999990000", "qdd@example.com", "acct-77", "reporter", "堆纸箱", "8号后院"} {
		if strings.Contains(all, s) {
			t.Errorf("%q is in an answer", s)
		}
	}
}

func TestBadInput(t *testing.T) {
	w := setup(t)
	at := url.Values{"service_code": {"sanitation"}, "lat": {"39.9411"}, "long": {"116.4009"}}
	with := func(extra ...string) url.Values {
		v := url.Values{}
		for k, vs := range at {
			v[k] = vs
		}
		for i := 0; i+1 < len(extra); i += 2 {
			if extra[i+1] == "" {
				v.Del(extra[i])
			} else {
				v.Set(extra[i], extra[i+1])
			}
		}
		return v
	}
	for name, c := range map[string]struct {
		form   url.Values
		status int
	}{
		"no api_key":           {with(), http.StatusForbidden},
		"wrong api_key":        {with("api_key", key+"x"), http.StatusForbidden},
		"no location":          {with("api_key", key, "lat", "", "long", ""), http.StatusBadRequest},
		"lat without long":     {with("api_key", key, "long", ""), http.StatusBadRequest},
		"outside every alley":  {with("api_key", key, "lat", "39.90", "long", "116.30"), http.StatusBadRequest},
		"an unknown address":   {with("api_key", key, "lat", "", "long", "", "address_string", "朝阳区建国路88号"), http.StatusBadRequest},
		"unknown service_code": {with("api_key", key, "service_code", "potholes"), http.StatusBadRequest},
		"no service_code":      {with("api_key", key, "service_code", ""), http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			errs, _ := w.post(t, c.form, c.status)
			if len(errs) != 1 {
				t.Fatalf("errors %v", errs)
			}
			hasFields(t, "error", errs[0], errorFields)
			if errs[0]["code"] != float64(c.status) || errs[0]["description"] == "" {
				t.Errorf("error %v", errs[0])
			}
		})
	}
	var n int
	if err := w.st.DB().Get(&n, `SELECT (SELECT count(*) FROM cases WHERE source = 'open311') + (SELECT count(*) FROM outbox)`); err != nil || n != 0 {
		t.Fatalf("%d cases and messages written by bad requests, %v", n, err)
	}
	for p, status := range map[string]int{
		"requests/2026-999999.json":                               http.StatusNotFound,
		"requests.json?status=pending":                            http.StatusBadRequest,
		"requests.json?start_date=monday":                         http.StatusBadRequest,
		"requests.json?page_size=101":                             http.StatusBadRequest,
		"requests.json?page_size=100&page=11":                     http.StatusBadRequest,
		"requests.json?start_date=2026-01-01&end_date=2026-12-01": http.StatusBadRequest, // over 90 days
		"services.xml":                                            http.StatusBadRequest,
	} {
		errs, _ := w.get(t, p, status)
		if len(errs) != 1 || errs[0]["code"] != float64(status) {
			t.Errorf("%s: %v", p, errs)
		}
	}
}
