package scheduler

import (
	"context"
	"fmt"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/flows/ledger"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// monthlyStatement posts the last ended month's public statement of the
// fund (seed 六) to every residents' group, once (the notice key): the
// text, then its chart as a stored photo. It goes with the monthly report
// (reports.monthly and its font), and only once the ledger has an entry
// dated before the month's end (a district not keeping its ledger here
// publishes nothing). Each group gets the whole district's statement.
func (s *Scheduler) monthlyStatement(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	o := s.opts.Reports
	if !o.Monthly || o.Font == nil {
		return nil, nil
	}
	loc, now, lang := s.opts.Pings.Calendar.Location(), s.opts.Pings.Now(), s.opts.Pings.Lang
	p := assessment.LastEnded(assessment.Month, now, loc)
	st, err := ledger.ComputeStatement(ctx, &tx.Queries, p, now, loc)
	if err != nil || !st.EverBeforeClosing {
		return nil, err
	}
	first, err := tx.Notice(ctx, "ledger-statement:"+p.String())
	if err != nil || !first {
		return nil, err
	}
	png, err := st.Chart(o.Font, lang)
	if err != nil {
		return nil, fmt.Errorf("statement %s: %w", p, err)
	}
	ref := "statement:" + p.String()
	id, err := tx.InsertPhoto(ctx, store.NewPhoto{Kind: model.PhotoProgress, Platform: reportPlatform, FileRef: ref, Size: int64(len(png))})
	if err != nil {
		return nil, err
	}
	if err := tx.SetPhotoBytes(ctx, id, png, "image/png"); err != nil {
		return nil, err
	}
	var out []bot.Message
	for _, m := range []bot.Message{{Text: st.Text(lang)}, {Text: st.ChartTitle(lang),
		Photo: &bot.Photo{Platform: reportPlatform, FileRef: ref, Size: len(png), MIME: "image/png", PhotoID: id}}} {
		to, err := s.audience(tx).Groups(ctx, model.ChatResident, audience.Scope{}, m)
		if err != nil {
			return nil, err
		}
		out = append(out, to...)
	}
	s.opts.Log.Info("ledger statement sent", "period", p.String(), "entries", st.Entries, "messages", len(out))
	return out, nil
}
