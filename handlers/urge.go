package handlers

import (
	"context"
	"errors"
	"strings"

	"github.com/alleybot/alleybot/conversations"
	"github.com/alleybot/alleybot/flows/cases"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// cmdUrge is /urge CASE: 催办 as the card's button (flows/cases/case_urge.go).
func (r *Router) cmdUrge(ctx context.Context, t *conversations.Turn) error {
	number := strings.TrimSpace(t.Args)
	if number == "" {
		t.Reply(t.T("urge.usage"))
		return nil
	}
	cv, err := t.Tx.CaseByNumber(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		t.Reply(t.T("case.not_found", "number", number))
		return nil
	}
	if err != nil {
		return err
	}
	return cases.Act(ctx, r.flows, t, cases.CaseAction{Action: model.ActUrge, ID: cv.ID})
}
