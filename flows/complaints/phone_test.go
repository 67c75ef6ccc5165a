package complaints

import "testing"

func TestPhone(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678": "13812345678", "+86 138 1234 5678": "13812345678", "8613912345678": "13912345678",
		"010-64012345": "01064012345", "0571-8765432": "05718765432", "64012345": "64012345", "１３８１２３４５６７８": "13812345678",
	} {
		if got, ok := Phone(in); !ok || got != want {
			t.Errorf("Phone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12345", "12812345678", "138123456789", "1381234567", "01064012", "00064012345", "abc", "110"} {
		if got, ok := Phone(in); ok {
			t.Errorf("Phone(%q) = %q accepted", in, got)
		}
	}
}
