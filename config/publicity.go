package config

// PublicityConfig is stewards' publicity (seed 二(四)1): with
// needs_approval a steward's /notice goes to the coordinators first (批准 /
// 驳回) and is posted only when approved.
type PublicityConfig struct {
	NeedsApproval bool `yaml:"needs_approval"`
}
