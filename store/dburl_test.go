package store

import (
	"strings"
	"testing"
)

func TestMaskURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"postgres://alley:s3cret@db.example:5432/alleybot?sslmode=disable", "postgres://alley:xxxxx@db.example:5432/alleybot?sslmode=disable"},
		{"postgres://postgres@127.0.0.1:5432/alleybot?sslmode=disable", "postgres://postgres@127.0.0.1:5432/alleybot?sslmode=disable"},
		{"postgres://127.0.0.1/alleybot", "postgres://127.0.0.1/alleybot"},
		{"postgres://u:p%40ss%2Fword@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:pw@[::1", "(connection string hidden)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := MaskURL(tt.in)
			if got != tt.want {
				t.Errorf("MaskURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for _, secret := range []string{"s3cret", "p%40ss", "p@ss"} {
				if strings.Contains(got, secret) {
					t.Errorf("MaskURL(%q) = %q still shows the password", tt.in, got)
				}
			}
		})
	}
}

// TestMaskURLQueryPassword: lib/pq also takes the password as a query
// parameter (postgres://u@h/db?password=...); that one must be hidden too.
func TestMaskURLQueryPassword(t *testing.T) {
	got := MaskURL("postgres://u@db.example/alleybot?sslmode=disable&password=s3cret")
	if strings.Contains(got, "s3cret") {
		t.Fatalf("MaskURL leaves a password given as a query parameter: %s", got)
	}
	if !strings.Contains(got, "db.example/alleybot") || !strings.Contains(got, "sslmode=disable") {
		t.Errorf("MaskURL = %q lost more than the password", got)
	}
}
