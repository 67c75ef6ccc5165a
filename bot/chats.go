package bot

import "sync"

// Chats is what a platform can do for one of its chats, as its adapter
// tells from the chat id alone: only the adapter knows its platform's
// chat-id formats. The outbox asks it about a queued row that does not
// carry its chat's kind (one queued before the kind travelled with the
// message) and whether a photo may go by reference; the audience asks
// whether a group shows buttons. Each adapter's sender implements it and
// registers it for its platforms (RegisterChats).
type Chats interface {
	// Kind tells a group chat from a private one.
	Kind(chatID string) ChatKind
	// PhotoByRef reports whether a photo may go to the chat by the
	// platform's own file reference, rather than by its bytes.
	PhotoByRef(chatID string) bool
	// Buttons reports whether the chat shows a message's buttons.
	Buttons(chatID string) bool
	// LogID is the chat id as a log may show it (an id that is a secret,
	// a WeCom group robot's key, is cut short).
	LogID(chatID string) string
}

var (
	chatsMu sync.RWMutex
	chats   = map[Platform]Chats{}
)

// RegisterChats makes c the answer for platform's chats (an adapter's
// init does it).
func RegisterChats(platform Platform, c Chats) {
	chatsMu.Lock()
	defer chatsMu.Unlock()
	chats[platform] = c
}

// ChatsOf is what platform can do for its chats: its adapter's answer, or,
// for a platform whose adapter is not in this program, plain private chats
// that show buttons and take photos by reference.
func ChatsOf(platform Platform) Chats {
	chatsMu.RLock()
	defer chatsMu.RUnlock()
	if c, ok := chats[platform]; ok {
		return c
	}
	return plainChats{}
}

// SenderChats is what the sender for platform can do for its chats: the
// sender's own answer when it has one, else the registered one.
func SenderChats(s Sender, platform Platform) Chats {
	if c, ok := s.(Chats); ok {
		return c
	}
	return ChatsOf(platform)
}

type plainChats struct{}

func (plainChats) Kind(string) ChatKind   { return Private }
func (plainChats) PhotoByRef(string) bool { return true }
func (plainChats) Buttons(string) bool    { return true }
func (plainChats) LogID(id string) string { return id }
