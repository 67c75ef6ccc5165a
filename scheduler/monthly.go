package scheduler

import (
	"context"
	"fmt"

	"github.com/alleybot/alleybot/assessment"
	"github.com/alleybot/alleybot/audience"
	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/evaluation"
	"github.com/alleybot/alleybot/i18n"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// ReportOptions are the monthly evaluation report (seed 七(一)), sent to
// the coordinators and the exchange group once each month has ended: a
// short text, then each chart as a photo with its title.
type ReportOptions struct {
	Monthly bool
	Font    *evaluation.Font // nil: no report (serve logs why)
}

// reportPlatform marks the charts' photos: no platform holds them, so a
// sender uploads their stored bytes.
const reportPlatform = "report"

// monthlyReport sends the last ended month's report, once (the notice key).
func (s *Scheduler) monthlyReport(ctx context.Context, tx *store.Tx) ([]bot.Message, error) {
	o := s.opts.Reports
	if !o.Monthly || o.Font == nil {
		return nil, nil
	}
	loc, now, lang := s.opts.Pings.Calendar.Location(), s.opts.Pings.Now(), s.opts.Pings.Lang
	p := assessment.LastEnded(assessment.Month, now, loc)
	first, err := tx.Notice(ctx, "monthly-report:"+p.String())
	if err != nil || !first {
		return nil, err
	}
	r, err := evaluation.Compute(ctx, &tx.Queries, p, loc, now)
	if err != nil {
		return nil, err
	}
	charts, err := evaluation.Charts(r, o.Font, lang)
	if err != nil {
		return nil, fmt.Errorf("monthly report %s: %w", p, err)
	}
	msgs := []bot.Message{{Text: reportText(r, lang)}}
	for _, c := range charts {
		id, err := tx.InsertPhoto(ctx, store.NewPhoto{Kind: model.PhotoProgress, Platform: reportPlatform,
			FileRef: "monthly:" + p.String() + ":" + c.Name, Size: int64(len(c.PNG))})
		if err != nil {
			return nil, err
		}
		if err := tx.SetPhotoBytes(ctx, id, c.PNG, "image/png"); err != nil {
			return nil, err
		}
		msgs = append(msgs, bot.Message{Text: c.Title, Photo: &bot.Photo{Platform: reportPlatform, FileRef: "monthly:" + p.String() + ":" + c.Name,
			Size: len(c.PNG), MIME: "image/png", PhotoID: id}})
	}
	var out []bot.Message
	for _, kind := range []model.ChatKind{model.ChatCoordinators, model.ChatExchange} {
		for _, m := range msgs {
			to, err := s.audience(tx).Groups(ctx, kind, audience.Scope{}, m)
			if err != nil {
				return nil, err
			}
			out = append(out, to...)
		}
	}
	s.opts.Log.Info("monthly report sent", "period", p.String(), "cases", r.Cases, "messages", len(out))
	return out, nil
}

// reportText is the report's message: the month's figures in a sentence.
func reportText(r evaluation.Report, lang i18n.Lang) string {
	o := r.Others
	return i18n.T(lang, "evaluation.message", "period", r.Period.String(), "cases", r.Cases,
		"overdue", r.Overdue().Percent(), "send_back", r.SendBack().Percent(), "patrols", r.PatrolAttendance().Percent(),
		"trainings", r.TrainingAttendance().Percent(), "avg", r.Satisfaction(), "ratings", o.Ratings,
		"complaints", o.Complaints, "upheld", o.Upheld) + "\n" + r.SuggestionsText(lang)
}
