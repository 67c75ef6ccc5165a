package i18n

import "fmt"

// catalog: zh-CN first, English second. Placeholders are {name}; both
// languages of a message use the same placeholders (the test checks).
// It is kept by domain, a literal a file (catalog_<domain>.go), merged
// once here into the one map T looks keys up in; a key defined twice is a
// mistake the program refuses to start with.
var catalog = merge(catalogs...)

// catalogs are the domains' literals.
var catalogs = []map[string]msg{
	commonCatalog, reportsCatalog, casesCatalog, complaintsCatalog, patrolsCatalog, trainingsCatalog, pingsCatalog,
	scoresCatalog,
	disciplineCatalog,
	allowanceCatalog,
	recognitionCatalog,
	evaluationCatalog,
	ledgerCatalog,
	publicCatalog, publicLedgerCatalog,
	appealsCatalog,
	webCatalog,
	deskCatalog,
	deskCaseCatalog,
	pressCatalog,
	suggestionsCatalog,
	offlineCatalog,
	activitiesCatalog,
	partiesCatalog,
}

// merge joins the domains' literals into one map; it panics on a key
// defined in two of them.
func merge(parts ...map[string]msg) map[string]msg {
	out := map[string]msg{}
	for _, p := range parts {
		for k, m := range p {
			if _, dup := out[k]; dup {
				panic(fmt.Sprintf("i18n: %q is defined twice in the catalog", k))
			}
			out[k] = m
		}
	}
	return out
}
