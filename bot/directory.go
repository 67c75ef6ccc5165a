package bot

import (
	"context"
	"fmt"
)

// Speaker is a roster person the console speaks as.
type Speaker struct {
	Code  string
	Name  string
	Lang  string
	Roles []string // catalog keys of the role names, "role.steward" …
}

// ResidentPrefix starts the console user id of a resident (someone not in
// the roster the console speaks as): "居民:张大妈".
const ResidentPrefix = "居民:"

// Directory is the roster as the console needs it. Speaker finds a person
// by roster code or name and makes the console one of their accounts (and
// every roster group a console chat); a name that matches nobody, or
// several people, is a *NoSpeakerError.
type Directory interface {
	Speaker(ctx context.Context, codeOrName string) (Speaker, error)
}

// NoSpeakerError lists whom the console could speak as instead.
type NoSpeakerError struct {
	Who   string
	Names []string // "王秀兰(S01)" …
	// Same lists the people who share the name Who, when there are
	// several: the console asks for a code instead of denying them.
	Same []string
}

// Error names who was not found.
func (e *NoSpeakerError) Error() string { return fmt.Sprintf("no roster person %q", e.Who) }

// GroupDirectory finds a roster group by its title (or code) for a console
// line "[群名] text": its console chat id and title, or "" and the titles
// there are.
type GroupDirectory interface {
	Group(ctx context.Context, title string) (chatID, realTitle string, titles []string, err error)
}
