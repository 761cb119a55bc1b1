package enrollfsm

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every field of the run state is one the checker reads or leaves out on
// purpose (checkedFields): a new field must be added to checkState.
func TestCheckState_KnowsEveryRunStateField(t *testing.T) {
	var fields []string
	rt := reflect.TypeOf(runState{})
	for i := range rt.NumField() {
		fields = append(fields, rt.Field(i).Name)
	}
	assert.ElementsMatch(t, checkedFields, fields)
}
