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
