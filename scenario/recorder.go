package scenario

import "github.com/enrollfsm/enrollfsm/scenario/scenariofile"

// Recorder writes a run as a scenario file (scenariofile.Recorder): a
// transcript that `enroll replay` replays.
type Recorder = scenariofile.Recorder

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return scenariofile.NewRecorder() }
