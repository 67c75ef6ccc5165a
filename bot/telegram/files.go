package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/alleybot/alleybot/bot"
)

// FetchFile downloads a file by its file_id: getFile, then the bytes from
// APIEndpoint (not the library's hard-coded host). A file over
// MaxPhotoBytes is refused with an error wrapping ErrTooLarge. Errors are
// returned as they are: retrying is the caller's business.
func (t *Adapter) FetchFile(ctx context.Context, fileID string) ([]byte, string, error) {
	api, d := t.with(ctx)
	f, err := api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, "", t.fail("getFile", d.status, err)
	}
	if f.FilePath == "" {
		return nil, "", fmt.Errorf("telegram getFile %s: no file_path", fileID)
	}
	if int64(f.FileSize) > t.maxPhoto {
		return nil, "", fmt.Errorf("telegram file %s is %s, over %s: %w", fileID, bot.HumanBytes(int64(f.FileSize)), bot.HumanBytes(t.maxPhoto), bot.ErrTooLarge)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.endpoint+"/file/bot"+t.token+"/"+f.FilePath, nil)
	if err != nil {
		return nil, "", fmt.Errorf("telegram file download: %w", t.mask(err))
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("telegram file download: %w", t.mask(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("telegram file download %s: HTTP %d", fileID, resp.StatusCode)
	}
	// The size getFile reported may be missing or wrong: count the bytes too.
	data, err := io.ReadAll(io.LimitReader(resp.Body, t.maxPhoto+1))
	if err != nil {
		return nil, "", fmt.Errorf("telegram file download: %w", t.mask(err))
	}
	if int64(len(data)) > t.maxPhoto {
		return nil, "", fmt.Errorf("telegram file %s is over %s: %w", fileID, bot.HumanBytes(t.maxPhoto), bot.ErrTooLarge)
	}
	return data, http.DetectContentType(data), nil
}
