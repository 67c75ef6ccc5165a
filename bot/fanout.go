package bot

import "github.com/alleybot/alleybot/store"

// ToGroups copies m to every messenger where the group chats live (their
// platform bindings). The console is left out: a console session prints
// group messages itself.
func ToGroups(chats []store.ChatTarget, m Message) []Message {
	var out []Message
	for _, c := range chats {
		for _, b := range c.Bindings {
			if b.Platform == Console {
				continue
			}
			cm := m
			cm.Platform, cm.ChatID, cm.ChatTitle = b.Platform, b.ExternalID, c.Title
			out = append(out, cm)
		}
	}
	return out
}

// ToAccounts copies m to a person's private chat on each messenger where
// they have a bound account (the console left out, as above).
func ToAccounts(ids []store.Identity, m Message) []Message {
	var out []Message
	for _, id := range ids {
		if id.Platform == Console {
			continue
		}
		cm := m
		cm.Platform, cm.ChatID = id.Platform, id.ExternalID
		out = append(out, cm)
	}
	return out
}
