package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/alleybot/alleybot/store"
)

// The spool: updates accepted while the database could not store them,
// one JSON file each in Options.SpoolDir, named so that they sort in the
// order they came. Every serve process drains its spool into the inbox
// table as soon as the database answers again (a key stored twice is
// stored once), oldest first.

func (i *Inbox) spooling() bool {
	if i.opts.SpoolDir == "" {
		return false
	}
	i.spoolMu.Lock()
	defer i.spoolMu.Unlock()
	return i.spooled
}

// spool writes row to a file of its own, synced, before the platform is
// answered.
func (i *Inbox) spool(row store.InboxUpdate) error {
	if err := os.MkdirAll(i.opts.SpoolDir, 0o700); err != nil {
		return fmt.Errorf("inbox spool: %w", err)
	}
	b, err := json.Marshal(row)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%020d-%016x.json", time.Now().UnixNano(), rand.Uint64())
	tmp := filepath.Join(i.opts.SpoolDir, "."+name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("inbox spool: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(i.opts.SpoolDir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("inbox spool: %w", err)
	}
	i.spoolMu.Lock()
	i.spooled = true
	i.spoolMu.Unlock()
	return nil
}

// drain moves the spooled updates into the inbox table, oldest first,
// stopping at the first that still cannot be stored. It reports how many
// it moved.
func (i *Inbox) drain(ctx context.Context) int {
	if i.opts.SpoolDir == "" {
		return 0
	}
	// Hold new Accepts to the spool until it is empty, so nothing
	// overtakes what waits there.
	i.spoolMu.Lock()
	defer i.spoolMu.Unlock()
	entries, err := os.ReadDir(i.opts.SpoolDir)
	if err != nil {
		if !os.IsNotExist(err) {
			i.opts.Log.Warn("inbox spool: read", "err", err)
		}
		i.spooled = false
		return 0
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	moved := 0
	for _, n := range names {
		path := filepath.Join(i.opts.SpoolDir, n)
		b, err := os.ReadFile(path)
		if err != nil {
			continue // taken by another process sharing the folder
		}
		var row store.InboxUpdate
		if err := json.Unmarshal(b, &row); err != nil {
			i.opts.Log.Error("inbox spool: unreadable file left aside", "file", path, "err", err)
			_ = os.Rename(path, path+".bad")
			continue
		}
		if _, err := i.st.AcceptUpdate(ctx, row); err != nil {
			i.spooled = true
			return moved // still away: the next tick tries again
		}
		_ = os.Remove(path)
		moved++
	}
	i.spooled = false
	if moved > 0 {
		i.opts.Log.Info("inbox spool: updates kept during the outage stored", "n", moved)
	}
	return moved
}
