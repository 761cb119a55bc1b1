module github.com/enrollfsm/enrollfsm/bench/stateless

go 1.24

require (
	github.com/enrollfsm/enrollfsm v0.0.0
	github.com/looplab/fsm v1.0.3
	github.com/qmuntal/stateless v1.7.2
)

replace github.com/enrollfsm/enrollfsm => ../..
