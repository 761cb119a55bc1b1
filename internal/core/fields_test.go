package core

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/enrollfsm/enrollfsm/enrollment"
)

// prepare writes the pending call field by field, not as a literal: a new
// field of Call must be written there too, or it would keep the previous
// call's value.
func TestPrepare_WritesEveryFieldOfCall(t *testing.T) {
	var fields []string
	rt := reflect.TypeFor[enrollment.Call]()
	for i := range rt.NumField() {
		fields = append(fields, rt.Field(i).Name)
	}
	assert.Equal(t, []string{"ID", "Step", "Request", "Delay", "Ahead"}, fields, "write the new field in core.prepare")
}

// The snapshot is written and read by hand: a new field of Run must be
// written by encode, read by decode and checked by Restore, or a restore
// would silently drop it.
func TestCodec_KnowsEveryFieldOfRun(t *testing.T) {
	var fields []string
	rt := reflect.TypeFor[Run]()
	for i := range rt.NumField() {
		fields = append(fields, rt.Field(i).Name)
	}
	assert.Equal(t, []string{"ID", "Seq", "Counters", "Codes", "Resume", "Unknown", "VerifyFor", "Made", "Unsure",
		"PINMayBeSet", "AfterUnsurePIN", "Attempt", "Warnings", "Failure", "NextCall"}, fields,
		"write the new field in the snapshot codec (encode, decode, Restore's checks), then here")
}
