package conversations

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/alleybot/alleybot/bot"
	"github.com/alleybot/alleybot/model"
	"github.com/alleybot/alleybot/store"
)

// MaxPhotos is the most photos one report carries (a Telegram album's limit too).
const MaxPhotos = 9

// PhotoAcceptable says whether a photo is within the size limit (and tells
// the person when it is not).
func PhotoAcceptable(t *Turn, p *bot.Photo) (bool, error) {
	size := p.Size
	if size == 0 {
		size = len(p.Bytes)
	}
	if p.TooLarge || int64(size) > t.Deps.MaxPhotoBytes {
		t.Reply(t.T("report.photo.too_large", "max", bot.HumanBytes(t.Deps.MaxPhotoBytes)))
		return false, nil
	}
	// Bytes that came along (the console; WeCom once fetched) must be a
	// picture: a text file or a PDF is not a photo of the problem.
	if len(p.Bytes) > 0 && !strings.HasPrefix(http.DetectContentType(p.Bytes), "image/") {
		t.Reply(t.T("report.photo.not_image"))
		return false, nil
	}
	return true, nil
}

// SavePhoto records a photo at once: its platform reference, and its bytes
// when they came along (the console); otherwise a download job is enqueued in
// this same transaction. A photo over the limit is refused with a message.
func (t *Turn) SavePhoto(ctx context.Context, p *bot.Photo) (int64, bool, error) {
	if ok, err := PhotoAcceptable(t, p); err != nil || !ok {
		return 0, false, err
	}
	size := p.Size
	if size == 0 {
		size = len(p.Bytes)
	}
	platform := p.Platform
	if platform == "" {
		platform = t.Update.Platform
	}
	id, err := t.Tx.InsertPhoto(ctx, store.NewPhoto{Kind: model.PhotoBefore, Platform: string(platform), FileRef: p.FileRef, Size: int64(size), Document: p.Document})
	if err != nil {
		return 0, false, err
	}
	switch {
	case len(p.Bytes) > 0:
		mime := p.MIME
		if mime == "" {
			mime = "application/octet-stream"
		}
		if err := t.Tx.SetPhotoBytes(ctx, id, p.Bytes, mime); err != nil {
			return 0, false, err
		}
	case t.Deps.Photos != nil:
		if err := t.Deps.Photos.EnqueuePhotoFetch(ctx, t.Tx, id); err != nil {
			return 0, false, fmt.Errorf("enqueue photo download: %w", err)
		}
	}
	return id, true, nil
}

// AddPhoto saves a photo into ids, at most max of them: one beyond is
// refused (and said), as is one over the size limit.
func (t *Turn) AddPhoto(ctx context.Context, ids *[]int64, max int, p *bot.Photo) (bool, error) {
	if len(*ids) >= max {
		t.Reply(t.T("report.photos.full", "max", max))
		return false, nil
	}
	id, ok, err := t.SavePhoto(ctx, p)
	if ok {
		*ids = append(*ids, id)
	}
	return ok, err
}

// MorePhotos asks for more photos (n so far), with 完成.
func MorePhotos(t *Turn, n int) Prompt {
	return Prompt{Text: t.T("report.photos.more", "n", n, "max", MaxPhotos), Options: []Option{{Label: t.T("button.done"), Value: "done"}}}
}
