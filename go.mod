module github.com/enrollfsm/enrollfsm

go 1.24

require github.com/looplab/fsm v1.0.3
