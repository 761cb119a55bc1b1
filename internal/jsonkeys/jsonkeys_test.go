package jsonkeys_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/internal/jsonkeys"
)

func TestUnique(t *testing.T) {
	for _, tc := range []struct {
		doc, where string // where: "" when the document passes
	}{
		{`{"status":"FAILED","error":{"code":2308}}`, ""},
		{`[{"a":1},{"a":2}]`, ""},
		{`{"a":{"b":1},"c":{"b":2}}`, ""},
		{`"plain"`, ""},
		{`{"status":"FAILED","status":"SUCCEEDED"}`, `duplicate key "status" in the document`},
		{`{"final":"failed","Final":"enrolled"}`, `duplicate key "Final" in the document`},
		{`{"name":"x","ſtatus":1,"Status":2}`, `duplicate key "Status" in the document`},
		{`{"exchanges":[{"reply":{}},{"reply":{"result":{"x":1,"x":2}}}]}`, `duplicate key "x" in exchanges[1].reply.result`},
		{`{"a":[[1,{"k":1,"k":1}]]}`, `duplicate key "k" in a[0][1]`},
	} {
		err := jsonkeys.Unique([]byte(tc.doc))
		if tc.where == "" {
			assert.NoError(t, err, tc.doc)
			continue
		}
		require.ErrorIs(t, err, jsonkeys.ErrDuplicate, tc.doc)
		assert.EqualError(t, err, tc.where, tc.doc)
	}
}

func TestUnique_MalformedIsTheDecodersError(t *testing.T) {
	err := jsonkeys.Unique([]byte(`{"a":`))
	require.Error(t, err)
	assert.NotErrorIs(t, err, jsonkeys.ErrDuplicate)
}

// FuzzUnique: any bytes end in nil or an error, never a panic.
func FuzzUnique(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":2,"B":3}]}`))
	f.Add([]byte(`[[[{}]]]`))
	f.Fuzz(func(t *testing.T, data []byte) { _ = jsonkeys.Unique(data) })
}
