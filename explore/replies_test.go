package explore

import (
	"io/fs"

	"testing"

	"github.com/enrollfsm/enrollfsm/docs"
	"github.com/enrollfsm/enrollfsm/enrollment"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/steps"
)

// Every result variant offered at a call is one the step reads as a
// success, leading along an edge of the table; together they take every
// edge the step's successful replies can take.
func TestVariantsAreTheBranchesTheStepReads(t *testing.T) {
	for flow, table := range enrollfsm.Tables() {
		for _, st := range table.States {
			if st.Kind != flows.Calling {
				continue
			}
			c := steps.Context{Enrollment: table.Enrollment, RemovalsLeft: 1, PINAttemptsLeft: 5, CodeAttemptsLeft: 3, CanResend: true, Attempt: 1, MaxReadAttempts: 3, Resume: enrollment.EnrollingDevice}
			seen := map[enrollment.Event]bool{}
			for _, v := range variants(st.Step) {
				msg, callErr, err := message(st.Step, replyResult+v.Name, "tx", nil)
				require.NoError(t, err)
				require.NoError(t, callErr)
				d := st.Step.Interpret(msg, nil, c)
				assert.NotEqual(t, enrollment.CallFailed, d.Event, "%s %s: %s is read as a failure: %v", flow, st.Name, v.Name, d.Err)
				_, ok := table.Def.Target(st.Name, d.Event)
				assert.True(t, ok, "%s %s: %s fires %s, which leaves no edge", flow, st.Name, v.Name, d.Event)
				seen[d.Event] = true
			}
			// The step's own edges (but rejections, taken on a FAILED reply)
			// are each reached by some variant.
			for _, e := range st.Edges {
				if table.Declared(fsm.Row{Event: e.Event, Src: st.Name, Dst: e.Dst}) && e.Event != enrollment.InputRejected && e.Event != enrollment.DeviceMaybeEnrolled {
					assert.True(t, seen[e.Event], "%s %s: no variant takes %s", flow, st.Name, e.Event)
				}
			}
		}
	}
}

// The buttons at a call: every variant, every documented code with its
// label and class, a bridge error, a malformed reply and the simulator.
func TestReplyOptions(t *testing.T) {
	opts := replyOptions(steps.CheckAccount)
	require.Len(t, opts, 3+len(pimserr.Codes())+3)
	byID := map[string]ReplyOption{}
	for _, o := range opts {
		byID[o.ID] = o
	}
	for _, c := range pimserr.Codes() {
		o := byID["code:"+c.String()]
		assert.Equal(t, c.Label(), o.Detail)
		assert.Equal(t, c.Class().String(), o.Class)
	}
	_, err, _ := message(steps.CheckAccount, replyMalformed, "tx-1", nil)
	assert.ErrorIs(t, err, pimserr.ErrBadReply)
	_, err, _ = message(steps.CheckAccount, replyBridge, "tx-1", nil)
	assert.Error(t, err)
	_, _, err = message(steps.CheckAccount, "code:abc", "tx-1", nil)
	assert.Error(t, err)
	msg, _, err := message(steps.CheckAccount, "code:2317", "tx-1", nil)
	require.NoError(t, err)
	assert.Equal(t, pims.Failure("tx-1", pimserr.CodeForbidden), msg)
}

func TestKotlinAndSwiftAsTheTutorialWritesThem(t *testing.T) {
	req := pims.Request{Op: pims.Get, API: "pims.authentication.smscode", Params: pims.Pairs("type", "enrollment")}
	assert.Equal(t, `pims.get("pims.authentication.smscode", mapOf(Pair("type", "enrollment"))) { message -> … }`, Kotlin(req))
	assert.Equal(t, `pims.get(api: "pims.authentication.smscode", parameters: ["type": "enrollment"]) { (message) in … }`, Swift(req))
	empty := pims.Request{Op: pims.Get, API: "pims.authentication.trustedphonenumber", Params: pims.Pairs()}
	assert.Equal(t, `pims.get("pims.authentication.trustedphonenumber", mapOf()) { message -> … }`, Kotlin(empty))
	assert.Equal(t, `pims.get(api: "pims.authentication.trustedphonenumber", parameters: [:]) { (message) in … }`, Swift(empty))
	secret := pims.Request{Op: pims.Set, API: "pims.authentication.pincode", Params: pims.Pairs("action", "update", "oldPIN", "1234", "newPIN", "5678")}
	assert.NotContains(t, Kotlin(secret)+Swift(secret), "1234")
	assert.NotContains(t, Kotlin(secret)+Swift(secret), "5678")
}

// Every state of every table is a node of its picture, so that it can be
// highlighted, and each calling state's outgoing edges are marked.
func TestHighlightFindsEveryState(t *testing.T) {
	for flow, table := range enrollfsm.Tables() {
		svg := mustSVG(t, flow)
		for _, st := range table.States {
			out := highlight(svg, string(st.Name), "/docs/x.md", st.Kind == flows.Calling, st.Kind == flows.Waiting)
			assert.Contains(t, out, `class="node current" data-state="`+string(st.Name)+`"`, "%s: %s", flow, st.Name)
			if st.Kind == flows.Calling || st.Kind == flows.Waiting {
				assert.Contains(t, out, `class="edge out"`, "%s: %s", flow, st.Name)
			}
			assert.NotContains(t, out, "<?xml")
		}
	}
}

func mustSVG(t *testing.T, flow enrollfsm.Flow) []byte {
	t.Helper()
	data, err := fs.ReadFile(docs.Files, string(flow)+".svg")
	require.NoError(t, err)
	return data
}
