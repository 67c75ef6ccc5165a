// Package outbox sends what the bot says. Every message for a messenger is
// a row of the outbox table, inserted in the transaction of the change that
// caused it (Enqueue); a Dispatcher in each serve process sends the rows in
// order per chat, at the platforms' pace:
//
//   - Fast: the process that committed an update wakes its own dispatcher
//     at once (store.Tx.AfterCommit), which claims the chats it can; a
//     poll picks up what other processes or a crash left behind.
//   - No hot row: queueing locks no chat's queue row, so reports posting
//     to the same groups commit without waiting for each other.
//   - Ordered: a message is queued unnumbered; the dispatcher that claims
//     its chat numbers it, under the chat's queue row lock, after the ones
//     numbered before, in the order their transactions committed (the
//     order they became visible). One dispatcher at a time serves a chat
//     (a lease of a few seconds, renewed as it sends), and a message goes
//     only after the ones before it were delivered, refused or dropped.
//   - Crash-safe: a message is marked sent in the statement that moves the
//     chat's queue on; a killed process's leases run out and another
//     process (or the restarted one) takes its chats over, so at most the
//     message in flight goes out twice.
//   - Paced without a hot row: a chat's window (a group's 20 a minute) is
//     counted from its recent sends in the table and its next moment kept
//     on the chat's queue row; a platform's global rate is split among the
//     live dispatchers (each heartbeats and takes its share), kept in
//     memory, where a reply to the person who just wrote goes ahead of
//     bulk sends.
//   - A group post that keeps failing steps aside after a few attempts:
//     the group's later messages go on, and it is retried after them.
//   - A question whose conversation step has moved on is dropped, not sent
//     late.
package outbox

import (
	"log/slog"
	"time"

	"github.com/alleybot/alleybot/bot"
)

// Pacing is a platform's published limits. A chat's limit is a sliding
// window: at most Burst sends in any Burst×gap (a group's 20 in any minute
// is Group 3s, GroupBurst 20), so a few messages go at once and a long run
// keeps the average; Burst 0 or 1 spaces every send one gap apart. The
// window is counted from the chat's recent sends in the database, so it
// holds across serve processes and restarts.
type Pacing struct {
	Private      time.Duration // a private chat's average gap between two sends
	PrivateBurst int           // sends to a private chat in any PrivateBurst×Private
	Group        time.Duration // a group's average gap between two sends
	GroupBurst   int           // sends to a group in any GroupBurst×Group
	// All is the platform's rate in all chats as an interval: sends about
	// All apart (a few at once), and at most 1s/All in any second, split
	// among the live dispatchers.
	All time.Duration
}

// DefaultPacing is the platforms' published limits: Telegram 20 messages
// in any minute per group and 30 a second in all; about 1 a second per
// private chat, short bursts tolerated (taken as 3 in any 3 s: a reply and
// its question go at once, a longer run keeps 1 a second); WeCom's app 30
// a minute per member and its group robot 20 a minute. A chat's window,
// like the one-second window of the global rate, runs from the platform's
// answer to the earlier send to the start of the later one, so arrivals
// keep the limits whatever the network does (the 5 ms over each second is
// a margin for the clocks).
var DefaultPacing = map[bot.Platform]Pacing{
	bot.Telegram: {Private: 1005 * time.Millisecond, PrivateBurst: 3, Group: 3005 * time.Millisecond, GroupBurst: 20, All: 33 * time.Millisecond},
	bot.WeCom:    {Private: 2005 * time.Millisecond, PrivateBurst: 30, Group: 3005 * time.Millisecond, GroupBurst: 20, All: 33 * time.Millisecond},
	// WeChat customer service: replies within the customer's window (the
	// adapter refuses beyond it), at most one a second to a customer.
	bot.WeChat: {Private: 1005 * time.Millisecond, Group: 3005 * time.Millisecond, All: 33 * time.Millisecond},
}

// Options tune a dispatcher; zero values take the defaults.
type Options struct {
	Senders     map[bot.Platform]bot.Sender // the platforms this process sends to
	Pacing      map[bot.Platform]Pacing     // default DefaultPacing
	Poll        time.Duration               // how often to look for chats nobody serves (default 500ms)
	Lease       time.Duration               // how long a claimed chat stays this process's without news (default 5s)
	MaxChats    int                         // chats served at once (default 256)
	Batch       int                         // messages read per claim of a chat (default 20)
	RetryBase   time.Duration               // first retry after an error; doubles (default 1s)
	RetryMax    time.Duration               // longest retry delay (default 15s)
	GiveUpAfter time.Duration               // a message failing this long is given up (default 6h)
	// StepAside is how many failed attempts (network errors, 5xx) a group
	// post makes before it steps aside: the group's later messages go on
	// and it is retried after them (default 5; again after as many more).
	StepAside int
	Heartbeat time.Duration // how often a dispatcher says it is alive (default 1s)
	ID        string        // this dispatcher's name (default host-pid-random)
	Log       *slog.Logger
	// OnSend is told of every send's outcome, as the platform answered:
	// "sent", "429" (retry_after), "5xx" (a failure that passes: 5xx, the
	// network; retried) or "permanent" (refused for good, or a group that
	// moved to a supergroup) (/metrics). Nil: nobody.
	OnSend func(p bot.Platform, outcome string)
}
