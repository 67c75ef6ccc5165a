package config

import (
	"fmt"
	"os"
)

// ReportsConfig is the monthly evaluation report (seed 七(一)): the CJK
// font its charts are drawn in (Debian's fonts-wqy-zenhei; scripts/fonts.sh
// installs it), and whether serve sends it to the coordinators and the
// exchange group once each month has ended.
type ReportsConfig struct {
	Font    string `yaml:"font"`
	Monthly bool   `yaml:"monthly"`
}

// DefaultReportFont is where Debian's fonts-wqy-zenhei puts its font.
const DefaultReportFont = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

// ReportFont is reports.font, checked to be a readable file; the error
// names the key, the config file and the package that provides the default.
func (c Config) ReportFont() (string, error) {
	file := c.File
	if file == "" {
		file = "(defaults and environment)"
	}
	if c.Reports.Font == "" {
		return "", &DecodeError{File: file, Key: "reports.font", Msg: "is empty: name a font file with Chinese glyphs (.ttf, .otf or .ttc), e.g. " + DefaultReportFont}
	}
	st, err := os.Stat(c.Reports.Font)
	if err != nil || st.IsDir() {
		why := "is a directory"
		if err != nil {
			why = "does not exist or cannot be read"
		}
		return "", &DecodeError{File: file, Key: "reports.font", Msg: fmt.Sprintf("the font file %s %s (install Debian's fonts-wqy-zenhei: scripts/fonts.sh, or set reports.font to a CJK font)", c.Reports.Font, why)}
	}
	return c.Reports.Font, nil
}
