package store

// NearbyQuery is NearbyOpen's statement and arguments, for EXPLAIN in
// store_test's BenchmarkNearbyOpen.
var NearbyQuery = nearbyQuery
