package errors_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

// Reference: the API reference's error tables (seeds 001, 002) for the
// labels, docs/contract.md §4 for the classes.
func TestCatalogue_EveryDocumentedCodeWithLabelAndClass(t *testing.T) {
	want := []struct {
		code  pimserr.Code
		label string
		class pimserr.Class
	}{
		{2001, "Facade not initialized", pimserr.ClassFatal},
		{2006, "Core not well configured", pimserr.ClassFatal},
		{2101, "Missing [PARAMETER] parameter", pimserr.ClassFatal},
		{2102, "Invalid [PARAMETER] parameter", pimserr.ClassRejected},
		{2201, "Timeout/Polling Timeout/Command Timeout", pimserr.ClassTransient},
		{2202, "Network problem : No internet", pimserr.ClassTransient},
		{2204, "Server Error", pimserr.ClassTransient},
		{2308, "inwebo: access refused", pimserr.ClassRejected},
		{2309, "inwebo: version error", pimserr.ClassFatal},
		{2310, "inwebo: account is blocked", pimserr.ClassBlocked},
		{2311, "inwebo: internal state not correct", pimserr.ClassFatal},
		{2312, "inwebo: device is disabled or unknown", pimserr.ClassFatal},
		{2313, "inwebo: User must activate inWebo helium or inWebo Desktop Token before achieving this operation", pimserr.ClassFatal},
		{2314, "inwebo: No service is available", pimserr.ClassTransient},
		{2316, "inwebo: the operation succeeded but it required a post-synchronization which failed", pimserr.ClassSucceededWithWarning},
		{2317, "inwebo: forbidden operation (due to activated state/blocked state/upgradable state)", pimserr.ClassBlocked},
		{2344, "[Component] not configured", pimserr.ClassFatal},
	}
	require.Len(t, pimserr.Codes(), 17)
	for i, w := range want {
		assert.Equal(t, w.code, pimserr.Codes()[i])
		assert.True(t, w.code.Known())
		assert.Equal(t, w.label, w.code.Label(), w.code)
		assert.Equal(t, w.class, w.code.Class(), w.code)
	}
	assert.False(t, pimserr.Code(2999).Known())
	assert.Equal(t, pimserr.ClassFatal, pimserr.Code(2999).Class(), "unknown codes are fatal")
	assert.Equal(t, "unknown error", pimserr.Code(2999).Label())
}

func TestError_IsComparesCodesThroughWrapping(t *testing.T) {
	reply := &pimserr.Error{Code: 2317, Label: "as sent", TransactionID: "t1"}
	err := fmt.Errorf("context: %w", &pimserr.StepError{Step: "8", Op: "set", API: "pims.authentication.enrollment", Err: reply})
	assert.ErrorIs(t, err, pimserr.ErrForbidden)
	assert.NotErrorIs(t, err, pimserr.ErrAccountBlocked)
	assert.True(t, pimserr.IsBlocked(err))
	assert.False(t, pimserr.IsTransient(err))
	assert.Equal(t, pimserr.ClassBlocked, pimserr.ClassOf(err))
	assert.Equal(t, pimserr.ClassUnknown, pimserr.ClassOf(errors.New("plain")))
	var se *pimserr.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "8", se.Step)
	assert.Equal(t, "context: step 8 (set pims.authentication.enrollment): pims 2317: as sent", err.Error())
	assert.True(t, pimserr.IsRejected(pimserr.ErrAccessRefused))
}

func TestProtocolAndInputErrors(t *testing.T) {
	pe := &pimserr.ProtocolError{Reason: "no status", Raw: []byte(`{"secret":"1234"}`)}
	assert.ErrorIs(t, pe, pimserr.ErrBadReply)
	assert.NotContains(t, pe.Error(), "1234", "the raw reply is kept but not printed")
	ie := &pimserr.InputError{Field: "PIN", Reason: "must be 4 to 8 digits"}
	assert.ErrorIs(t, ie, pimserr.ErrInvalidInput)
	assert.Equal(t, "invalid PIN: must be 4 to 8 digits", ie.Error())
	be := &pimserr.BridgeError{Err: errors.New("down")}
	assert.Equal(t, "bridge: down", be.Error())
}

func TestFailure(t *testing.T) {
	f := pimserr.FailureCode(pimserr.CodeForbidden)
	assert.Equal(t, pimserr.Failure("pims:2317"), f)
	c, ok := f.Code()
	assert.True(t, ok)
	assert.Equal(t, pimserr.CodeForbidden, c)
	_, ok = pimserr.FailureBadReply.Code()
	assert.False(t, ok)
	_, ok = pimserr.Failure("pims:x").Code()
	assert.False(t, ok)
	re := &pimserr.RunError{Failure: f, Err: pimserr.ErrForbidden}
	assert.ErrorIs(t, re, pimserr.ErrRunFailed)
	assert.ErrorIs(t, re, pimserr.ErrForbidden)
	assert.Equal(t, "run failed: too_many_attempts", (&pimserr.RunError{Failure: pimserr.FailureTooManyAttempts}).Error())
}

func TestClassString(t *testing.T) {
	assert.Equal(t, "succeeded_with_warning", pimserr.ClassSucceededWithWarning.String())
	assert.Equal(t, "Class(42)", pimserr.Class(42).String())
}
