package store

import "database/sql"

// Ref is an optional reference to a row: 0 is none.
func Ref(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// OptText is an optional text: "" is none.
func OptText(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
