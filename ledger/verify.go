package ledger

import "fmt"

// Problem is the first place the chain breaks: the entry at Seq (as the
// rows were read, in order of seq) and what is wrong with it.
type Problem struct {
	Seq    int64
	Reason string
}

func (p *Problem) Error() string { return fmt.Sprintf("entry %d: %s", p.Seq, p.Reason) }

// Verify walks entries (in order of Seq, as stored) and returns the
// number of entries and the head's hash, or the first Problem: a seq out
// of line (an entry deleted, or one inserted out of order), a prev_hash
// that is not the previous entry's hash (an entry before it replaced,
// hash and all, or this one inserted out of order), or a hash that is not
// the hash of the entry's content (the entry changed). Deleting the last
// entries leaves a valid shorter chain: compare the head with the one
// published.
func Verify(entries []Entry) (int, string, error) {
	head := Genesis
	for i, e := range entries {
		want := int64(i) + 1
		switch {
		case e.Seq > want:
			return i, head, &Problem{Seq: e.Seq, Reason: fmt.Sprintf("seq %d follows seq %d: entry %d is missing (deleted)", e.Seq, want-1, want)}
		case e.Seq < want:
			return i, head, &Problem{Seq: e.Seq, Reason: fmt.Sprintf("seq %d where %d was expected: inserted out of order", e.Seq, want)}
		case e.PrevHash != head:
			return i, head, &Problem{Seq: e.Seq, Reason: fmt.Sprintf("prev_hash %s is not entry %d's hash %s: entry %d was replaced, or this one inserted out of order",
				short(e.PrevHash), want-1, short(head), want-1)}
		}
		if sum := e.Sum(); sum != e.Hash {
			return i, head, &Problem{Seq: e.Seq, Reason: fmt.Sprintf("its content was changed: it hashes to %s, the stored hash is %s", short(sum), short(e.Hash))}
		}
		head = e.Hash
	}
	return len(entries), head, nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
