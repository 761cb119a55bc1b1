package scenario_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/scenario"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// user answers from the simulated phone, with a wrong PIN and a malformed
// value first, and collects every secret and phone number it types.
type user struct {
	sim      *simulator.Simulator
	typed    []string
	answered int
}

func (u *user) Answer(_ context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	u.answered++
	if u.answered > 60 {
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
	}
	value := func(v string) (enrollfsm.Answer, error) {
		u.typed = append(u.typed, v)
		return enrollfsm.Value(p.Prompt, v), nil
	}
	switch p.Prompt {
	case enrollfsm.PromptPhoneNumber:
		return value("07 98 76 54 32")
	case enrollfsm.PromptCertificationCode, enrollfsm.PromptEnrollmentCode:
		kind := simulator.KindEnrollment
		if p.Prompt == enrollfsm.PromptCertificationCode {
			kind = simulator.KindCertification
		}
		if p.Reason != nil && (strings.Contains(p.Reason.Error(), "expired") || strings.Contains(p.Reason.Error(), "too many")) {
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionResend), nil
		}
		code, _ := u.sim.LastCode(kind)
		return value(code)
	case enrollfsm.PromptPIN, enrollfsm.PromptOldPIN:
		if u.answered == 4 {
			return value("8080") // a wrong PIN, refused by the backend
		}
		return value(u.sim.Account().PIN)
	case enrollfsm.PromptNewPIN:
		if p.Reason == nil {
			return value("12a") // malformed, refused locally
		}
		return value("918273")
	case enrollfsm.PromptConfirmRemoval:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionYes), nil
	case enrollfsm.PromptRetry:
		return enrollfsm.Act(p.Prompt, enrollfsm.ActionRetry), nil
	}
	return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
}

// Reference: issue 6, "a redacted transcript of a run (JSON) that a support
// engineer can attach to a ticket and replay"; docs/contract.md §4, no secret in
// transcripts.
func TestRecorder_TranscriptReplaysWithoutSecrets(t *testing.T) {
	runs := 0
	for _, sit := range simulator.Situations() {
		for _, platform := range []string{"android", "ios"} {
			for seed := int64(1); seed <= 3; seed++ {
				name := fmt.Sprintf("%s/%s/%d", sit, platform, seed)
				sim := simulator.MustNew(simulator.WithSituation(sit), simulator.WithPlatform(platform), simulator.WithSeed(seed),
					simulator.WithFaults(simulator.Faults{Rate: 0.15, Codes: []pimserr.Code{2201, 2202, 2316}, Bridge: true}))
				rec := scenario.NewRecorder()
				e, err := enrollfsm.New(enrollfsm.FlowAuto, enrollfsm.WithPlatform(enrollfsm.Platform(platform)),
					enrollfsm.WithObserver(rec.Observer()), enrollfsm.WithLimits(fastLimits()))
				require.NoError(t, err)
				u := &user{sim: sim}
				_, err = e.Run(context.Background(), sim, u)
				require.NoError(t, err)

				data, err := rec.Transcript(e, "ticket "+name)
				require.NoError(t, err)
				text := string(data)
				for _, secret := range append(u.typed, "0798765432", "0612345678", sim.Account().PIN) {
					if secret != "" {
						assert.NotContains(t, text, secret, name)
					}
				}
				for _, m := range sim.Outbox() {
					assert.NotContains(t, text, m.Code, name)
				}
				s, err := scenario.Parse(data)
				require.NoError(t, err, name)
				r := scenario.Run(context.Background(), s)
				require.NoError(t, r.Err, "%s: the transcript does not replay:\n%s", name, text)
				runs++
			}
		}
	}
	assert.Equal(t, 36, runs)
}

func TestRecorder_RefusesARunThatIsNotOver(t *testing.T) {
	rec := scenario.NewRecorder()
	e, err := enrollfsm.New(enrollfsm.FlowFull, enrollfsm.WithObserver(rec.Observer()))
	require.NoError(t, err)
	_, err = rec.Transcript(e, "x")
	assert.Error(t, err)
}

// fastLimits keeps backoffs short, since the simulator runs on the system clock.
func fastLimits() enrollfsm.Limits {
	l := enrollfsm.DefaultLimits()
	l.Backoff = 0
	return l
}
