package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/discipline"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/outbox"
	"github.com/alleybot/alleybot/store"
)

func restoreFlags(fs *flag.FlagSet) {
	fs.String("steward", "", "the suspended steward: a roster CODE or NAME")
	fs.String("by", "", "the admin who restores: a roster CODE or NAME; recorded with the restoration")
	fs.String("reason", "", "why the role is restored; recorded, and told to the steward and the groups")
}

// cmdRestore restores a suspended steward's role (四(三)) as /restore does
// (discipline.Restore): the restoration is in the steward's record with
// who and why; the steward, the coordinators and the exchange group are
// told (queued for serve to send).
func cmdRestore(e *env, fs *flag.FlagSet, common *commonFlags) error {
	get := func(name string) string { return strings.TrimSpace(fs.Lookup(name).Value.String()) }
	if fs.NArg() == 1 && !isFlagSet(fs, "steward") && !isFlagSet(fs, "by") && !isFlagSet(fs, "reason") {
		return cmdRestoreDatabase(e, fs.Arg(0), common)
	}
	if fs.NArg() > 0 {
		return usageError{"restore takes either one FILE (a backup, into an empty database) or --steward CODE --by ADMIN_CODE --reason TEXT, not both"}
	}
	if get("steward") == "" || get("by") == "" || get("reason") == "" {
		return usageError{"restore needs --steward, --by and --reason (who restores and why are recorded)"}
	}
	reason := get("reason")
	if conversations.Visible(reason) < 2 || len([]rune(reason)) > conversations.MaxReason {
		return fmt.Errorf("refused: the reason must say why, in 2 to %d characters", conversations.MaxReason)
	}
	cfg, st, err := setup(e, common, true)
	if err != nil {
		return err
	}
	defer st.Close()
	by, err := rosterPerson(e.ctx, st, get("by"))
	if err != nil {
		return err
	}
	if !hasRole(e.ctx, st, by.ID, model.RoleAdmin) {
		return fmt.Errorf("refused: %s (%s) is not an admin; only an admin restores a steward's role", by.Name, by.Code)
	}
	p, err := rosterPerson(e.ctx, st, get("steward"))
	if err != nil {
		return err
	}
	if !hasRole(e.ctx, st, p.ID, model.RoleSteward) {
		return fmt.Errorf("refused: %s (%s) is not a steward", p.Name, p.Code)
	}
	lang := defaultLang(cfg)
	err = st.InTx(e.ctx, func(tx *store.Tx) error {
		msgs, err := discipline.Restore(e.ctx, tx, audience.New(tx, "", lang), lang, discipline.Restoration{PersonID: p.ID, Name: p.Name,
			ByID: by.ID, ByName: by.Name, Reason: reason, At: time.Now()})
		if err != nil {
			return err
		}
		return outbox.Enqueue(e.ctx, tx, msgs)
	})
	if errors.Is(err, discipline.ErrNotSuspended) {
		return fmt.Errorf("refused: %s (%s) is not suspended; there is nothing to restore", p.Name, p.Code)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s (%s)'s steward role (by %s: %s); the steward, the coordinators and the exchange group are told\n",
		p.Name, p.Code, by.Name, reason)
	return nil
}
