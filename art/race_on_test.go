//go:build race

package art

// raceEnabled reports whether the race detector is on: the randomized tests
// then run fewer operations to stay within the package's time budget.
const raceEnabled = true
