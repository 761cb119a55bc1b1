package simulator

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/pims"
)

func TestSaveAndLoad_TheServerGoesOnAsBefore(t *testing.T) {
	ctx := context.Background()
	s := MustNew(WithSituation(SituationHasPhone), WithPlatform(IOS), WithSeed(9))
	_, err := s.Call(ctx, pims.Request{Op: pims.Get, API: APISMSCode, Params: pims.Pairs("type", "enrollment")})
	require.NoError(t, err)
	code, ok := s.LastCode(KindEnrollment)
	require.True(t, ok)
	data, err := s.SaveState()
	require.NoError(t, err)

	l, err := Load(data)
	require.NoError(t, err)
	assert.Equal(t, s.Account(), l.Account())
	again, _ := l.LastCode(KindEnrollment)
	assert.Equal(t, code, again, "the SMS is still on the phone")
	msg, err := l.Call(ctx, pims.Request{Op: pims.Set, API: APISMSCode, Params: pims.Pairs("action", "enrollment", "smsCode", code)})
	require.NoError(t, err)
	assert.Equal(t, pims.Succeeded, msg.Status, "the code issued before the save is still valid")
	assert.Equal(t, "NotEnrolled", msg.Result["status"], msg)
	assert.Equal(t, "sim-000002", msg.TransactionID, "transaction ids go on")
	msg, _ = l.Call(ctx, pims.Request{Op: pims.Set, API: APIEnrollment, Params: pims.Pairs("action", "enroll", "pinCode", DefaultPIN, "smsCode", code)})
	assert.Equal(t, pims.Succeeded, msg.Status, "the session validated before the save goes on (step 7 registers the PIN): %v", msg)
}

func TestLoad_RefusesBadState(t *testing.T) {
	for _, bad := range []string{``, `{}`, `{"version":2,"platform":"android"}`, `{"version":1,"platform":"palm"}`,
		`{"version":1,"platform":"android","account":{"Blocked":"Frozen"}}`,
		`{"version":1,"platform":"android","account":{"Blocked":"NotBlocked","OtherDevices":-1}}`,
		`{"version":1,"platform":"android","extra":1}`} {
		_, err := Load([]byte(bad))
		assert.Error(t, err, bad)
	}
}
