module github.com/enrollfsm/enrollfsm/bench/ab

go 1.24

require (
	github.com/enrollfsm/before v0.0.0
	github.com/enrollfsm/enrollfsm v0.0.0
	github.com/looplab/fsm v1.0.3
)

// bench/ab/run writes ./before: the library at another commit, under the
// path github.com/enrollfsm/before.
replace github.com/enrollfsm/before => ./before

replace github.com/enrollfsm/enrollfsm => ../..
