package config

import (
	"fmt"

	"github.com/alleybot/alleybot/assessment"
)

// AllowanceConfig is assessment.allowance: the steward's monthly 工作补贴
// (seed 六(二)1) proposed from the month's scorecard for the coordinators
// to confirm. Amounts are yuan written as decimals ("20.00"), read exactly
// into fen; empty or all zero: no allowances are proposed.
type AllowanceConfig struct {
	PerPatrol string `yaml:"per_patrol"` // for each scheduled patrol done
	PerReport string `yaml:"per_report"` // for each accepted report
	Base      string `yaml:"base"`       // a fixed amount a month
	Cap       string `yaml:"cap"`        // the most a month (0: no cap)
}

// fields are the section's keys and their values, in file order.
func (a AllowanceConfig) fields() [][2]string {
	return [][2]string{{"per_patrol", a.PerPatrol}, {"per_report", a.PerReport}, {"base", a.Base}, {"cap", a.Cap}}
}

// Rule is the section in fen; Validate has refused what does not parse.
func (a AllowanceConfig) Rule() assessment.AllowanceRule {
	fen := map[string]int64{}
	for _, f := range a.fields() {
		if f[1] != "" {
			fen[f[0]], _ = assessment.ParseYuan(f[1])
		}
	}
	return assessment.AllowanceRule{PerPatrol: fen["per_patrol"], PerReport: fen["per_report"], Base: fen["base"], Cap: fen["cap"]}
}

// validate refuses an amount that is not yuan with at most two decimals,
// or is negative, naming the key.
func (a AllowanceConfig) validate(bad func(key, msg string)) {
	for _, f := range a.fields() {
		if f[1] == "" {
			continue
		}
		if _, err := assessment.ParseYuan(f[1]); err != nil {
			bad("assessment.allowance."+f[0], fmt.Sprintf("%q %v", f[1], err))
		}
	}
}
