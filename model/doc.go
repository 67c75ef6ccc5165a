// Package model is the words the software speaks — statuses, events, roles,
// chat kinds, photo kinds, plans, clocks, actions — and the case state
// machine of seed 三(三)–(五) (Lifecycle). It imports the standard library
// only: the store reads and writes these words, the flows and the scheduler
// decide with them.
package model
