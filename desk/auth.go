package desk

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/alleybot/alleybot/flows/weblogin"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// sessionCookie holds the session's random id; the store keeps its hash.
const sessionCookie = "desk_session"

// deskRoles may sign in; a steward alone sees their own cases, read-only.
var deskRoles = []model.Role{model.RoleCoordinator, model.RoleSupervisor, model.RoleAdmin, model.RoleDepartment, model.RoleSteward}

// viewer is the signed-in person and what they may see.
type viewer struct {
	Session store.DeskSession
	Roles   []store.PersonRole
	// All: the center, supervisors and admins see every case; Departments:
	// a department member sees their departments' cases (and copies);
	// Steward: a steward without a staff role sees their own, read-only.
	All         bool
	Departments []int64
	Steward     bool
}

// Has reports whether the viewer holds role.
func (v *viewer) Has(role model.Role) bool {
	return slices.ContainsFunc(v.Roles, func(r store.PersonRole) bool { return r.Role == role })
}

// RoleNames are the viewer's roles in lang, for the header.
func (v *viewer) RoleNames(lang i18n.Lang) string {
	var names []string
	for _, r := range v.Roles {
		n := i18n.T(lang, "role."+string(r.Role))
		if r.DepartmentName != "" {
			n += "·" + r.DepartmentName
		} else if r.CommunityName != "" {
			n += "·" + r.CommunityName
		}
		names = append(names, n)
	}
	return strings.Join(names, i18n.T(lang, "list.sep"))
}

// Scope is the viewer's part of the case queries (store.DeskQuery's All,
// Departments, Reporter).
func (v *viewer) Scope() (all bool, departments []int64, reporter int64) {
	if v.Steward {
		return false, nil, v.Session.PersonID
	}
	return v.All, v.Departments, 0
}

// newViewer reads a session's person's roles now: a suspended steward has
// no steward role; someone left with no desk role has no viewer.
func (h *handler) newViewer(r *http.Request, s store.DeskSession) (*viewer, bool, error) {
	roles, err := h.st.RolesOf(r.Context(), s.PersonID)
	if err != nil {
		return nil, false, err
	}
	suspended, err := h.st.Suspended(r.Context(), s.PersonID)
	if err != nil {
		return nil, false, err
	}
	v := &viewer{Session: s}
	for _, role := range roles {
		if (role.Role == model.RoleSteward && suspended) || !slices.Contains(deskRoles, role.Role) {
			continue
		}
		v.Roles = append(v.Roles, role)
		switch role.Role {
		case model.RoleCoordinator, model.RoleSupervisor, model.RoleAdmin:
			v.All = true
		case model.RoleDepartment:
			if role.DepartmentID.Valid {
				v.Departments = append(v.Departments, role.DepartmentID.Int64)
			}
		}
	}
	v.Steward = !v.All && len(v.Departments) == 0 && v.Has(model.RoleSteward)
	return v, v.All || len(v.Departments) > 0 || v.Steward, nil
}

// signedIn runs fn for a live session's viewer; anyone else gets the
// sign-in page (401). Every POST must carry the session's CSRF token.
func (h *handler) signedIn(fn func(h *handler, w http.ResponseWriter, r *http.Request, v *viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			h.message(w, r, nil, http.StatusUnauthorized, "desk.session.ended")
			return
		}
		s, err := h.st.DeskSessionFor(r.Context(), weblogin.Hash(c.Value), h.o.Now(), h.o.IdleTimeout)
		if errors.Is(err, store.ErrNotFound) {
			h.clearCookie(w)
			h.message(w, r, nil, http.StatusUnauthorized, "desk.session.ended")
			return
		}
		if err != nil {
			h.serverError(w, r, nil, err)
			return
		}
		v, ok, err := h.newViewer(r, s)
		if err != nil {
			h.serverError(w, r, nil, err)
			return
		}
		if !ok {
			// Removed from every desk role (or suspended): every session
			// of theirs ends now.
			if err := h.st.EndDeskSessionsOf(r.Context(), s.PersonID, h.o.Now(), "no desk role"); err != nil {
				h.serverError(w, r, nil, err)
				return
			}
			h.clearCookie(w)
			h.message(w, r, nil, http.StatusUnauthorized, "desk.session.ended")
			return
		}
		if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
			http.SetCookie(w, &http.Cookie{Name: "desk_lang", Value: l, Path: "/desk/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
				Secure: h.secure(), MaxAge: 365 * 24 * 3600})
		}
		if r.Method == http.MethodPost && !h.csrfOK(r, v) {
			h.message(w, r, v, http.StatusForbidden, "desk.csrf")
			return
		}
		fn(h, w, r, v)
	}
}

// csrfOK checks the form's csrf field against the session's token.
func (h *handler) csrfOK(r *http.Request, v *viewer) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(v.Session.CSRF)) == 1
}

// loginPage shows the link's one button; a GET never spends the link (a
// messenger's link preview must not sign anyone in).
func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, nil, http.StatusOK, "login", view{Title: i18n.T(h.langOf(r, nil), "desk.login.title"),
		Data: "/desk/login/" + r.PathValue("token")})
}

// login spends the link and starts a session.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	now := h.o.Now()
	personID, err := h.st.UseDeskLogin(r.Context(), weblogin.Hash(r.PathValue("token")), now)
	switch {
	case errors.Is(err, store.ErrLoginUsed):
		h.message(w, r, nil, http.StatusGone, "desk.login.used")
		return
	case errors.Is(err, store.ErrLoginExpired):
		h.message(w, r, nil, http.StatusGone, "desk.login.expired")
		return
	case errors.Is(err, store.ErrNotFound):
		h.message(w, r, nil, http.StatusNotFound, "desk.login.unknown")
		return
	case err != nil:
		h.serverError(w, r, nil, err)
		return
	}
	p, err := h.st.PersonByID(r.Context(), personID)
	if err != nil {
		h.serverError(w, r, nil, err)
		return
	}
	if _, ok, err := h.newViewer(r, store.DeskSession{PersonID: personID, Person: p}); err != nil || !ok || !p.Active {
		if err != nil {
			h.serverError(w, r, nil, err)
			return
		}
		h.message(w, r, nil, http.StatusForbidden, "desk.login.no_role")
		return
	}
	if err := h.st.BindWeb(r.Context(), personID); err != nil {
		h.serverError(w, r, nil, err)
		return
	}
	id, idHash := weblogin.NewToken()
	csrf, _ := weblogin.NewToken()
	if err := h.st.CreateDeskSession(r.Context(), idHash, personID, csrf, now, now.Add(h.o.Lifetime)); err != nil {
		h.serverError(w, r, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/desk/", HttpOnly: true, Secure: h.secure(),
		SameSite: http.SameSiteLaxMode, MaxAge: int(h.o.Lifetime.Seconds())})
	http.Redirect(w, r, "/desk/queue", http.StatusSeeOther)
}

// logout is 退出: the session ends in the store, the cookie is cleared.
func (h *handler) logout(w http.ResponseWriter, r *http.Request, v *viewer) {
	if err := h.st.EndDeskSession(r.Context(), v.Session.IDHash, h.o.Now(), "logout"); err != nil {
		h.serverError(w, r, v, err)
		return
	}
	h.clearCookie(w)
	h.message(w, r, nil, http.StatusOK, "desk.session.logged_out")
}

// signedOut is /desk/login: how to sign in.
func (h *handler) signedOut(w http.ResponseWriter, r *http.Request) {
	h.message(w, r, nil, http.StatusOK, "desk.login.how")
}

func (h *handler) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/desk/", HttpOnly: true, Secure: h.secure(),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// secure: the cookie goes over https only when the desk is reached by it.
func (h *handler) secure() bool { return strings.HasPrefix(h.o.PublicURL, "https://") }
