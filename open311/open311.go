// Package open311 is the Open311 GeoReport v2 interface (issue 27, item
// 5) that the city's systems read and write: GET services.json (the
// categories), GET requests.json and requests/{id}.json (the cases), POST
// requests.json (a new case from an external source, with an api_key the
// config issues to each client). JSON only. Nothing personal is ever in
// an answer: no reporter, no phone, no person's name.
package open311

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/store"
)

// Client is a system allowed to POST, by its key.
type Client struct {
	Name   string
	APIKey string
}

// Options are the config's open311 section and what it is read in.
type Options struct {
	Clients    []Client
	ShowPhotos bool   // public.show_photos: media_url of a closed case's photo
	PublicURL  string // http.public_url, the base of media_url ("" relative)
	Location   *time.Location
	Lang       i18n.Lang        // the center's notice (bot.default_language)
	Outbox     Outbox           // queues the center's notice (nil: outbox.Enqueue, no wake-up)
	Now        func() time.Time // nil: time.Now
	Log        *slog.Logger
}

// Outbox queues messages in a transaction (serve's *outbox.Dispatcher,
// which sends them as soon as the transaction commits).
type Outbox interface {
	EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error
}

type queueOnly struct{}

func (queueOnly) EnqueueSends(ctx context.Context, tx *store.Tx, msgs []bot.Message) error {
	return outbox.Enqueue(ctx, tx, msgs)
}

const (
	// DefaultDays is the window requests.json reads without dates (the
	// spec's 90 days); a window is never longer.
	DefaultDays = 90
	// MaxResults bounds what one query pages through (the spec's 1000).
	MaxResults = 1000
	// MaxPageSize and DefaultPageSize bound a page.
	MaxPageSize     = 100
	DefaultPageSize = 50
	maxIDs          = 100
	maxDescription  = 4000
)

type handler struct {
	st *store.Store
	o  Options
}

// Handler serves /open311/v2/: mount it with
// mux.Handle("/open311/v2/", open311.Handler(st, opts)).
func Handler(st *store.Store, o Options) http.Handler {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Outbox == nil {
		o.Outbox = queueOnly{}
	}
	if o.Lang == "" {
		o.Lang = i18n.ZH
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	h := &handler{st: st, o: o}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open311/v2/services.json", h.services)
	mux.HandleFunc("GET /open311/v2/requests.json", h.requests)
	mux.HandleFunc("POST /open311/v2/requests.json", h.create)
	mux.HandleFunc("GET /open311/v2/requests/{file}", h.request)
	mux.HandleFunc("/open311/v2/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".xml") {
			h.fail(w, http.StatusBadRequest, "only the JSON format is served: ask for .json")
			return
		}
		h.fail(w, http.StatusNotFound, "no such resource")
	})
	return mux
}

// apiError is the spec's error: answered as a list of one.
type apiError struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

func (h *handler) fail(w http.ResponseWriter, status int, desc string) {
	h.write(w, status, []apiError{{Code: status, Description: desc}})
}

func (h *handler) internal(w http.ResponseWriter, r *http.Request, err error) {
	h.o.Log.Error("open311", "path", r.URL.Path, "err", err)
	h.fail(w, http.StatusInternalServerError, "internal error")
}

func (h *handler) write(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`[{"code":500,"description":"internal error"}]`)
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Service is one entry of services.json.
type Service struct {
	ServiceCode string `json:"service_code"`
	ServiceName string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
}

func (h *handler) services(w http.ResponseWriter, r *http.Request) {
	cats, err := h.st.Categories(r.Context())
	if err != nil {
		h.internal(w, r, err)
		return
	}
	depts, err := h.st.Departments(r.Context())
	if err != nil {
		h.internal(w, r, err)
		return
	}
	deptName := map[int64]string{}
	for _, d := range depts {
		deptName[d.ID] = d.Name
	}
	out := make([]Service, 0, len(cats))
	for _, c := range cats {
		s := Service{ServiceCode: c.Code, ServiceName: c.Name, Description: c.Name, Type: "realtime",
			Keywords: strings.Join(nonEmpty(c.Name, c.NameEn, c.Code), ",")}
		if c.NameEn != "" {
			s.Description = c.Name + " (" + c.NameEn + ")"
		}
		if c.DepartmentID.Valid {
			s.Group = deptName[c.DepartmentID.Int64]
		}
		out = append(out, s)
	}
	h.write(w, http.StatusOK, out)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Request is one entry of requests.json. The spec's address_id and
// zipcode are always empty here; account and device fields are never
// answered.
type Request struct {
	ServiceRequestID  string   `json:"service_request_id"`
	Status            string   `json:"status"`
	StatusNotes       string   `json:"status_notes"`
	ServiceName       string   `json:"service_name"`
	ServiceCode       string   `json:"service_code"`
	Description       string   `json:"description"`
	AgencyResponsible string   `json:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime"`
	Address           string   `json:"address"`
	AddressID         string   `json:"address_id"`
	Zipcode           string   `json:"zipcode"`
	Lat               *float64 `json:"lat"`
	Long              *float64 `json:"long"`
	MediaURL          string   `json:"media_url"`
}

// statusNotes says where a case is, in the words of the regulation.
var statusNotes = map[model.Status]string{
	model.StatusSubmitted:  "已上报,待受理中心派遣 (submitted, awaiting dispatch)",
	model.StatusDispatched: "已派遣,待部门核实 (dispatched, awaiting verification)",
	model.StatusVerified:   "已核实,整改中 (verified, being fixed)",
	model.StatusFixed:      "已整改,待复核 (fixed, awaiting re-check)",
	model.StatusClosed:     "已办结 (closed)",
}

func (h *handler) view(c store.Open311Request) Request {
	loc := h.o.Location
	out := Request{ServiceRequestID: c.Number, Status: "open", StatusNotes: statusNotes[c.Status], ServiceName: c.ServiceName,
		ServiceCode: c.ServiceCode, Description: c.Description, AgencyResponsible: c.Department,
		RequestedDatetime: c.CreatedAt.In(loc).Format(time.RFC3339), UpdatedDatetime: c.UpdatedAt.In(loc).Format(time.RFC3339),
		Address: c.AlleyName}
	if out.StatusNotes == "" {
		out.StatusNotes = string(c.Status)
	}
	if c.ClosedAt.Valid {
		out.Status = "closed"
	}
	if c.Address != "" {
		out.Address = strings.TrimSpace(c.AlleyName + " " + c.Address)
	}
	if _, due, ok := model.RunningClock(c.Status, c.VerifyBy, c.FixBy); ok {
		out.ExpectedDatetime = due.In(loc).Format(time.RFC3339)
	}
	if c.Lat.Valid && c.Lon.Valid {
		lat, lon := c.Lat.Float64, c.Lon.Float64
		out.Lat, out.Long = &lat, &lon
	}
	if h.o.ShowPhotos && c.FirstPhotoID.Valid {
		out.MediaURL = h.o.PublicURL + "/public/photo/" + strconv.FormatInt(c.FirstPhotoID.Int64, 10)
	}
	return out
}

// parseTime reads a W3C datetime (RFC 3339; a date alone is midnight in
// the district's zone).
func (h *handler) parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, h.o.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a W3C datetime (2026-12-05T10:00:00+08:00)", s)
}

func (h *handler) requests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.Open311Filter{ServiceCode: strings.TrimSpace(q.Get("service_code"))}
	if ids := strings.TrimSpace(q.Get("service_request_id")); ids != "" {
		for _, id := range strings.Split(ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				f.Numbers = append(f.Numbers, id)
			}
		}
		if len(f.Numbers) > maxIDs {
			h.fail(w, http.StatusBadRequest, fmt.Sprintf("service_request_id: at most %d ids", maxIDs))
			return
		}
	}
	switch f.Status = strings.ToLower(strings.TrimSpace(q.Get("status"))); f.Status {
	case "", "open", "closed":
	default:
		h.fail(w, http.StatusBadRequest, "status: open or closed")
		return
	}
	now := h.o.Now()
	var from, to time.Time
	var err error
	if s := q.Get("start_date"); s != "" {
		if from, err = h.parseTime(s); err != nil {
			h.fail(w, http.StatusBadRequest, "start_date: "+err.Error())
			return
		}
	}
	if s := q.Get("end_date"); s != "" {
		if to, err = h.parseTime(s); err != nil {
			h.fail(w, http.StatusBadRequest, "end_date: "+err.Error())
			return
		}
	}
	window := DefaultDays * 24 * time.Hour
	switch {
	case from.IsZero() && to.IsZero():
		to = now.Add(time.Minute)
		from = to.Add(-window)
	case from.IsZero():
		from = to.Add(-window)
	case to.IsZero():
		to = from.Add(window)
	}
	if !to.After(from) {
		h.fail(w, http.StatusBadRequest, "end_date must be after start_date")
		return
	}
	if to.Sub(from) > window {
		h.fail(w, http.StatusBadRequest, fmt.Sprintf("start_date to end_date: at most %d days", DefaultDays))
		return
	}
	f.From, f.To = from, to
	size, page := DefaultPageSize, 1
	if s := q.Get("page_size"); s != "" {
		if size, err = strconv.Atoi(s); err != nil || size < 1 || size > MaxPageSize {
			h.fail(w, http.StatusBadRequest, fmt.Sprintf("page_size: 1 to %d", MaxPageSize))
			return
		}
	}
	if s := q.Get("page"); s != "" {
		if page, err = strconv.Atoi(s); err != nil || page < 1 || (page-1)*size >= MaxResults {
			h.fail(w, http.StatusBadRequest, fmt.Sprintf("page: from 1, at most %d results in all", MaxResults))
			return
		}
	}
	f.Limit, f.Offset = min(size, MaxResults-(page-1)*size), (page-1)*size
	h.answer(w, r, f)
}

func (h *handler) answer(w http.ResponseWriter, r *http.Request, f store.Open311Filter) {
	rs, err := h.st.Open311Requests(r.Context(), f)
	if err != nil {
		h.internal(w, r, err)
		return
	}
	out := make([]Request, 0, len(rs))
	for _, c := range rs {
		out = append(out, h.view(c))
	}
	h.write(w, http.StatusOK, out)
}

// request is requests/{id}.json: a list of one, 404 for an unknown id.
func (h *handler) request(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok {
		if strings.HasSuffix(r.PathValue("file"), ".xml") {
			h.fail(w, http.StatusBadRequest, "only the JSON format is served: ask for .json")
			return
		}
		h.fail(w, http.StatusNotFound, "no such resource")
		return
	}
	rs, err := h.st.Open311Requests(r.Context(), store.Open311Filter{Numbers: []string{id}})
	if err != nil {
		h.internal(w, r, err)
		return
	}
	if len(rs) == 0 {
		h.fail(w, http.StatusNotFound, "no service request "+id)
		return
	}
	h.write(w, http.StatusOK, []Request{h.view(rs[0])})
}

// client is the client whose key was given, compared in constant time
// with every key (ok false: none).
func (h *handler) client(key string) (Client, bool) {
	var found Client
	ok := 0
	for _, c := range h.o.Clients {
		if subtle.ConstantTimeCompare([]byte(key), []byte(c.APIKey)) == 1 {
			found, ok = c, 1
		}
	}
	return found, ok == 1 && key != ""
}

// Created is the answer to a POST.
type Created struct {
	ServiceRequestID string `json:"service_request_id"`
	ServiceNotice    string `json:"service_notice"`
	AccountID        string `json:"account_id"`
}

// create is POST requests.json: a case like a report from outside (no
// steward), source open311, in the alley of lat/long or of the address.
// The caller's personal fields (email, first_name, phone …) are not kept.
func (h *handler) create(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.fail(w, http.StatusBadRequest, "the body must be application/x-www-form-urlencoded")
		return
	}
	cl, ok := h.client(r.PostForm.Get("api_key"))
	if !ok {
		h.fail(w, http.StatusForbidden, "api_key is missing or wrong")
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("service_code"))
	if code == "" {
		h.fail(w, http.StatusBadRequest, "service_code is required")
		return
	}
	ctx := r.Context()
	cat, err := h.st.CategoryByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		h.fail(w, http.StatusBadRequest, "unknown service_code "+code+": see services.json")
		return
	}
	if err != nil {
		h.internal(w, r, err)
		return
	}
	desc := strings.TrimSpace(r.PostForm.Get("description"))
	if utf8.RuneCountInString(desc) > maxDescription {
		h.fail(w, http.StatusBadRequest, fmt.Sprintf("description: at most %d characters", maxDescription))
		return
	}
	if desc == "" {
		desc = cat.Name
	}
	address := strings.TrimSpace(r.PostForm.Get("address_string"))
	alley, lat, lon, msg, err := h.locate(r, address)
	if msg != "" {
		h.fail(w, http.StatusBadRequest, msg)
		return
	}
	if err != nil {
		h.internal(w, r, err)
		return
	}
	var c store.Case
	err = h.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		c, err = tx.CreateCase(ctx, store.NewCase{AlleyID: alley.ID, Lat: lat, Lon: lon, Description: desc, Address: address,
			Impact: "alley", Source: "open311", CategoryIDs: []int64{cat.ID}, DepartmentID: cat.DepartmentID,
			At: h.o.Now().In(h.o.Location)})
		if err != nil {
			return err
		}
		return h.tellCenter(ctx, tx, c.ID)
	})
	if err != nil {
		h.internal(w, r, err)
		return
	}
	h.o.Log.Info("open311 request", "client", cl.Name, "case", c.Number, "alley", alley.Code, "service_code", code)
	h.write(w, http.StatusOK, []Created{{ServiceRequestID: c.Number,
		ServiceNotice: "已受理,待受理中心派遣 (received; the acceptance center will dispatch it)"}})
}

// locate finds a POST's alley from lat/long (the nearest alley within its
// radius) or else from an alley named in address: msg is the 400's
// description when the request gives no usable location.
func (h *handler) locate(r *http.Request, address string) (alley store.Alley, lat, lon *float64, msg string, err error) {
	latS, lonS := strings.TrimSpace(r.PostForm.Get("lat")), strings.TrimSpace(r.PostForm.Get("long"))
	if latS != "" || lonS != "" {
		la, err1 := strconv.ParseFloat(latS, 64)
		lo, err2 := strconv.ParseFloat(lonS, 64)
		if err1 != nil || err2 != nil || math.Abs(la) > 90 || math.Abs(lo) > 180 || math.IsNaN(la) || math.IsNaN(lo) {
			return alley, nil, nil, "lat and long: both, in decimal degrees (WGS84)", nil
		}
		lat, lon = &la, &lo
	}
	if lat == nil && address == "" {
		return alley, nil, nil, "a location is required: lat and long, or address_string", nil
	}
	err = store.ErrNotFound
	if lat != nil {
		alley, _, err = h.st.NearestAlley(r.Context(), *lat, *lon)
	}
	if errors.Is(err, store.ErrNotFound) && address != "" {
		alley, err = h.st.AlleyByAddress(r.Context(), address)
	}
	if errors.Is(err, store.ErrNotFound) {
		return alley, lat, lon, "the location is in no alley of the subdistrict", nil
	}
	return alley, lat, lon, "", err
}

// tellCenter queues, in tx, the acceptance center's card of a new case
// (notify.center with the case's buttons), as for a steward's report.
func (h *handler) tellCenter(ctx context.Context, tx *store.Tx, caseID int64) error {
	view, err := tx.CaseByID(ctx, caseID)
	if err != nil {
		return err
	}
	lang := h.o.Lang
	text := i18n.T(lang, "notify.center", "summary", cases.CaseSummary(lang, h.o.Location, view))
	var rows [][]bot.Button
	for _, b := range cases.CardButtons(lang, view) {
		rows = append(rows, []bot.Button{b})
	}
	msgs, err := audience.New(tx, "", lang).Groups(ctx, model.ChatCoordinators, audience.Scope{},
		bot.Message{Text: text, Buttons: rows})
	if err != nil {
		return err
	}
	return h.o.Outbox.EnqueueSends(ctx, tx, msgs)
}
