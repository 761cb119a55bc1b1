package enrollfsm_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/enrolltest"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/scenario"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// The secret canary (issue 4): distinctive PINs and the simulator's SMS
// codes run through every flow with a fault injected at each call in turn;
// none may appear in the log, in any error string or in the transcript.
// Reference: docs/contract.md §4, "Secrets ... never appear in logs, error strings,
// transcripts or snapshots".

const (
	canaryPIN    = "918273"
	canaryNewPIN = "564738"
	canaryWrong  = "77665544"
)

type canaryFault struct {
	name   string
	inject func(*simulator.Simulator)
}

var canaryFaults = []canaryFault{
	{"none", func(*simulator.Simulator) {}},
	{"2201", func(s *simulator.Simulator) { s.InjectNext(pimserr.CodeTimeout) }},
	{"2308", func(s *simulator.Simulator) { s.InjectNext(pimserr.CodeAccessRefused) }},
	{"2102", func(s *simulator.Simulator) { s.InjectNext(pimserr.CodeInvalidParameter) }},
	{"2317", func(s *simulator.Simulator) { s.InjectNext(pimserr.CodeForbidden) }},
	{"2316", func(s *simulator.Simulator) { s.InjectNext(pimserr.CodePostSyncFailed) }},
	{"2311", func(s *simulator.Simulator) { s.InjectNext(pimserr.CodeInternalState) }},
	{"bridge", func(s *simulator.Simulator) { s.InjectBridgeError() }},
	{"lost reply", func(s *simulator.Simulator) { s.InjectLostReply() }},
}

// faultAt injects a fault before the call numbered at (from 0).
type faultAt struct {
	sim   *simulator.Simulator
	at    int
	fault canaryFault
	calls int
}

func (f *faultAt) Call(ctx context.Context, req pims.Request) (pims.Message, error) {
	if f.calls == f.at {
		f.fault.inject(f.sim)
	}
	f.calls++
	return f.sim.Call(ctx, req)
}

// canaryUser types the canary values, one wrong PIN and one malformed code,
// and records every error it is shown.
type canaryUser struct {
	sim     *simulator.Simulator
	errs    *[]string
	n       int
	wrongOK bool
}

func (u *canaryUser) Answer(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	u.n++
	if p.Reason != nil {
		*u.errs = append(*u.errs, fmt.Sprintf("%v|%+v|%s", p.Reason, p.Reason, p.Reason))
	}
	if u.n > 30 {
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
	}
	switch p.Prompt {
	case enrollfsm.PromptPhoneNumber:
		return enrollfsm.Value(p.Prompt, "0798765432"), nil
	case enrollfsm.PromptCertificationCode, enrollfsm.PromptEnrollmentCode:
		if u.n == 2 {
			return enrollfsm.Value(p.Prompt, canaryWrong+"9"), nil // malformed: 9 digits
		}
		kind := simulator.KindEnrollment
		if p.Prompt == enrollfsm.PromptCertificationCode {
			kind = simulator.KindCertification
		}
		code, ok := u.sim.LastCode(kind)
		if !ok || p.Reason != nil && strings.Contains(p.Reason.Error(), "new one") {
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionResend), nil
		}
		return enrollfsm.Value(p.Prompt, code), nil
	case enrollfsm.PromptPIN, enrollfsm.PromptOldPIN:
		if !u.wrongOK {
			u.wrongOK = true
			return enrollfsm.Value(p.Prompt, canaryWrong), nil
		}
		if pin := u.sim.Account().PIN; pin != "" {
			return enrollfsm.Value(p.Prompt, pin), nil
		}
		return enrollfsm.Value(p.Prompt, canaryPIN), nil
	case enrollfsm.PromptNewPIN:
		return enrollfsm.Value(p.Prompt, canaryNewPIN), nil
	case enrollfsm.PromptConfirmRemoval:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionYes), nil
	case enrollfsm.PromptRetry:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionRetry), nil
	}
	return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
}

func TestCanary_NoSecretInLogsErrorsOrTranscripts(t *testing.T) {
	flowsAndSituations := []struct {
		flow enrollfsm.Flow
		sit  simulator.Situation
	}{
		{enrollfsm.FlowFull, simulator.SituationNew}, {enrollfsm.FlowFull, simulator.SituationPINExists},
		{enrollfsm.FlowShortcut, simulator.SituationNew}, {enrollfsm.FlowShortcut, simulator.SituationBlocked},
		{enrollfsm.FlowFull, simulator.SituationPINBlocked},
		{enrollfsm.FlowResetPIN, simulator.SituationEnrolled}, {enrollfsm.FlowUpdatePIN, simulator.SituationEnrolled},
		{enrollfsm.FlowModifyPhone, simulator.SituationEnrolled}, {enrollfsm.FlowRemoveEnrollments, simulator.SituationEnrolled},
		{enrollfsm.FlowRemoveVehicle, simulator.SituationEnrolled},
	}
	runs := 0
	for _, fs := range flowsAndSituations {
		for _, platform := range []string{"android", "ios"} {
			for _, fault := range canaryFaults {
				for at := 0; at < 12; at++ {
					name := fmt.Sprintf("%s/%s/%s/%s@%d", fs.flow, fs.sit, platform, fault.name, at)
					var logs bytes.Buffer
					// No time attribute: a code cannot match a timestamp's digits by chance.
					logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug,
						ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
							if a.Key == slog.TimeKey {
								return slog.Attr{}
							}
							return a
						}}))
					clock := enrolltest.NewClock(enrolltest.Epoch)
					sim := simulator.MustNew(simulator.WithSituation(fs.sit), simulator.WithPlatform(platform),
						simulator.WithSeed(int64(at+1)), simulator.WithNow(clock.Now),
						simulator.WithAccount(canaryAccount(fs.sit)))
					rec := scenario.NewRecorder()
					var errs []string
					e, err := enrollfsm.New(fs.flow, enrollfsm.WithPlatform(enrollfsm.Platform(platform)),
						enrollfsm.WithVIN(simulator.DefaultVIN), enrollfsm.WithClock(clock), enrollfsm.WithLogger(logger),
						enrollfsm.WithObserver(rec.Observer()), enrollfsm.WithObserver(enrollfsm.Observer{
							Call: func(c enrollfsm.CallRecord) {
								errs = append(errs, fmt.Sprintf("%v %+v %#v %s", c.Request, c.Request, c.Request, c.Request))
								if c.Err != nil {
									errs = append(errs, fmt.Sprintf("%v|%+v", c.Err, c.Err))
								}
							},
							Answer: func(a enrollfsm.Answer, err error) {
								errs = append(errs, fmt.Sprintf("%v %+v %#v", a, a, a))
								if err != nil {
									errs = append(errs, fmt.Sprintf("%v|%+v", err, err))
								}
							},
						}))
					require.NoError(t, err, name)
					out, err := e.Run(context.Background(), &faultAt{sim: sim, at: at, fault: fault}, &canaryUser{sim: sim, errs: &errs})
					require.NoError(t, err, name)
					errs = append(errs, fmt.Sprintf("%v|%+v|%v|%+v", out, out, out.Err, out.Err))
					for _, w := range out.Warnings {
						errs = append(errs, fmt.Sprintf("%v|%+v", w, w))
					}
					transcript, err := rec.Transcript(e, name)
					require.NoError(t, err, name)

					secrets := []string{canaryPIN, canaryNewPIN, canaryWrong}
					for _, m := range sim.Outbox() {
						secrets = append(secrets, m.Code)
					}
					for _, s := range secrets {
						assert.NotContains(t, logs.String(), s, "%s: a secret in the log", name)
						assert.NotContains(t, strings.Join(errs, "\n"), s, "%s: a secret in an error string", name)
						assert.NotContains(t, string(transcript), s, "%s: a secret in the transcript", name)
					}
					runs++
				}
			}
		}
	}
	t.Logf("%d runs", runs)
}

// canaryAccount gives the situations that have a PIN the canary PIN.
func canaryAccount(sit simulator.Situation) simulator.Account {
	a := map[simulator.Situation]simulator.Account{
		simulator.SituationNew:        {},
		simulator.SituationPINExists:  {Phone: simulator.DefaultPhone, PIN: canaryPIN, OtherDevices: 1},
		simulator.SituationBlocked:    {Phone: simulator.DefaultPhone, PIN: canaryPIN, Blocked: simulator.AccountBlocked, OtherDevices: simulator.DefaultMaxDevices},
		simulator.SituationPINBlocked: {Phone: simulator.DefaultPhone, PIN: canaryPIN, Blocked: simulator.PINBlocked, OtherDevices: 1},
		simulator.SituationEnrolled:   {Phone: simulator.DefaultPhone, PIN: canaryPIN, DeviceActivated: true},
	}
	return a[sit]
}
