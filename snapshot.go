package enrollfsm

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

// SnapshotVersion is the version of the snapshots Snapshot writes; Restore
// refuses any other. Version 2 is the run state as the engine holds it.
const SnapshotVersion = 2

// snapshot is what survives the app being killed (docs/snapshots.md): the
// run's settings and its run state, never a PIN or an SMS code. No field of
// the run is copied by hand: the run state is embedded, and its fields are
// the document's.
type snapshot struct {
	Version    int      `json:"v"`
	Flow       Flow     `json:"flow"`
	Platform   Platform `json:"platform"`
	SDK        string   `json:"sdk"`
	AutoRemove bool     `json:"autoRemove,omitempty"`
	VIN        string   `json:"vin,omitempty"`
	// State is the machine's, read from it when saving.
	State State `json:"state"`
	runState
	// Seal is the HMAC-SHA256 of the rest, with WithSnapshotKey.
	Seal string `json:"seal,omitempty"`
}

// MaxSnapshotSize bounds what Restore reads: a snapshot of this engine is a
// few hundred bytes.
const MaxSnapshotSize = 4 << 10

// Bounds on numbers a snapshot may hold, far above any run and far below an
// overflow.
const (
	maxCalls    = 1 << 31
	maxNextCall = 1 << 53
)

func snapErr(format string, args ...any) error {
	return &pimserr.SnapshotError{Reason: fmt.Sprintf(format, args...)}
}

// Snapshot saves the run as a small versioned JSON document, at a waiting or
// terminal state (ErrNotWaiting during a call): the run's settings and its
// run state — the phone number being registered, every counter, when each
// SMS was sent — never a PIN or an SMS code. Restore resumes it.
func (e *Engine) Snapshot() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.c.snapshot()
}

func (c *core) snapshot() ([]byte, error) {
	if c.m == nil {
		return nil, errNotStarted.Err
	}
	if st := c.state(); st.Kind != flows.Waiting && st.Kind != flows.Terminal {
		return nil, fmt.Errorf("%w: %s makes a call; save at a prompt", pimserr.ErrNotWaiting, st.Name)
	}
	s := snapshot{
		Version: SnapshotVersion, Flow: c.flow,
		Platform: c.cfg.platform, SDK: c.cfg.sdk, AutoRemove: c.cfg.autoRemove, VIN: c.cfg.vin,
		State: c.m.Current(), runState: c.run,
	}
	data, err := json.Marshal(s)
	if err != nil || c.cfg.sealKey == nil {
		return data, err
	}
	s.Seal = seal(c.cfg.sealKey, data)
	return json.Marshal(s)
}

// seal is the HMAC of a snapshot's canonical encoding without its seal.
func seal(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("enrollfsm snapshot\n"))
	m.Write(body)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkSeal verifies the seal over the re-encoded content, so that any
// change of a value, however it is spelled, breaks it.
func (s snapshot) checkSeal(key []byte) error {
	if s.Seal == "" {
		return snapErr("not sealed, and this engine has a snapshot key")
	}
	given := s.Seal
	s.Seal = ""
	body, err := json.Marshal(s)
	if err != nil {
		return snapErr("cannot encode: %v", err)
	}
	if !hmac.Equal([]byte(given), []byte(seal(key, body))) {
		return snapErr("the seal does not match: the snapshot was changed, or sealed with another key")
	}
	return nil
}

// Restore resumes a run saved by Snapshot at a waiting state. The run's own
// settings (flow, platform, SDK version, automatic removal, VIN) come from
// the snapshot; an option that contradicts one is refused with ErrConfig.
// Options such as the clock, logger, observers and limits apply as to New.
//
// A snapshot of another version, a corrupt one, one at a state that is not
// a waiting state, or one no run could be in (see docs/snapshots.md) is
// refused with a *pimserr.SnapshotError (ErrSnapshot). With WithSnapshotKey,
// so is one whose seal is missing or does not match.
// The restored engine asks again for any PIN or SMS code its next call
// needs (Pending.Reason is ErrAskedAgain), and an SMS code sent more than
// the code lifetime ago accepts only resend.
func Restore(data []byte, opts ...Option) (*Engine, error) {
	cfg := defaults()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s, err := decodeSnapshot(data)
	if err != nil {
		return nil, err
	}
	if cfg.sealKey != nil {
		if err := s.checkSeal(cfg.sealKey); err != nil {
			return nil, err
		}
	}
	if err := cfg.adopt(s); err != nil {
		return nil, err
	}
	flow, table, err := resolve(s.Flow, &cfg)
	if err != nil {
		return nil, snapErr("%v", err)
	}
	if flow != s.Flow {
		return nil, snapErr("flow %q is not a resolved flow", s.Flow)
	}
	if err := s.check(table, cfg.limits, cfg.clock.Now()); err != nil {
		return nil, err
	}
	m, err := table.Def.NewMachineAt(s.State)
	if err != nil {
		return nil, snapErr("%v", err)
	}
	e := &Engine{c: core{cfg: cfg, flow: flow, table: table, m: m, run: s.runState, restored: true}}
	for _, w := range s.Warnings {
		e.c.warnErrs = append(e.c.warnErrs, &pimserr.StepError{Step: w.Step, Err: pimserr.New(w.Code)})
	}
	return e, nil
}

func decodeSnapshot(data []byte) (snapshot, error) {
	if len(data) > MaxSnapshotSize {
		return snapshot{}, snapErr("%d bytes, over the %d a snapshot may have", len(data), MaxSnapshotSize)
	}
	var probe struct {
		Version *int `json:"v"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return snapshot{}, snapErr("not a JSON object")
	}
	if probe.Version == nil {
		return snapshot{}, snapErr("no version")
	}
	if *probe.Version != SnapshotVersion {
		return snapshot{}, snapErr("version %d, this engine reads version %d", *probe.Version, SnapshotVersion)
	}
	if err := strictJSON(data, snapshot{}); err != nil {
		return snapshot{}, snapErr("corrupt: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s snapshot
	if err := dec.Decode(&s); err != nil {
		return snapshot{}, snapErr("corrupt: %v", err)
	}
	if dec.More() {
		return snapshot{}, snapErr("corrupt: data after the snapshot")
	}
	return s, nil
}

// adopt takes the run's settings from the snapshot, refusing an option that
// says otherwise.
func (c *config) adopt(s snapshot) error {
	conflict := func(what string, saved, given any) error {
		return fmt.Errorf("%w: the snapshot's %s is %v, an option says %v", pimserr.ErrConfig, what, saved, given)
	}
	switch {
	case c.platformSet && c.platform != s.Platform:
		return conflict("platform", s.Platform, c.platform)
	case c.sdkSet && c.sdk != s.SDK:
		return conflict("SDK version", s.SDK, c.sdk)
	case c.autoRemoveSet && c.autoRemove != s.AutoRemove:
		return conflict("automatic removal", s.AutoRemove, c.autoRemove)
	case c.vinSet && c.vin != s.VIN:
		return conflict("VIN", s.VIN, c.vin)
	}
	for _, o := range []Option{WithPlatform(s.Platform), WithSDKVersion(s.SDK)} {
		if err := o(c); err != nil {
			return snapErr("%v", err)
		}
	}
	c.autoRemove = s.AutoRemove
	c.vin = ""
	if s.VIN != "" {
		if err := WithVIN(s.VIN)(c); err != nil {
			return snapErr("vin: %v", err)
		}
	}
	return nil
}

// check refuses a snapshot whose content no run of the table, under these
// limits and at this time, could hold.
func (s snapshot) check(t *flows.Table, l Limits, now time.Time) error {
	st, ok := t.State(s.State)
	if !ok {
		return snapErr("%s has no state %q", t.Name, s.State)
	}
	if st.Kind != flows.Waiting {
		return snapErr("%s is a %s state; only a waiting state can be restored", s.State, st.Kind)
	}
	c := s.Counters
	if c.WrongCodes < 0 || c.WrongPINs < 0 || c.Resends < 0 || c.Removals < 0 || c.Calls < 0 {
		return snapErr("negative counter")
	}
	// Each counter stays below the value at which the run would have ended
	// or been refused. Codes: two per pass through step 3, plus resends.
	codesSent := 2*(c.Removals+1) + c.Resends
	switch {
	case c.WrongPINs >= l.PINAttempts:
		return snapErr("%d wrong PINs: a run ends at %d", c.WrongPINs, l.PINAttempts)
	case c.Resends > l.Resends:
		return snapErr("%d resends: a run allows %d", c.Resends, l.Resends)
	case c.Removals > l.Removals:
		return snapErr("%d removals: a run allows %d", c.Removals, l.Removals)
	case c.WrongCodes > l.CodeAttempts*codesSent:
		return snapErr("%d wrong codes: more than %d codes allow", c.WrongCodes, codesSent)
	case int64(c.Calls) > maxCalls:
		return snapErr("%d calls: out of range", c.Calls)
	case s.NextCall < 1 || s.NextCall > maxNextCall:
		return snapErr("next call %d: out of range", s.NextCall)
	}
	for _, p := range []Prompt{PromptCertificationCode, PromptEnrollmentCode} {
		code := s.code(p)
		switch {
		case code.Wrong < 0 || code.Wrong > c.WrongCodes || code.Wrong > l.CodeAttempts:
			return snapErr("wrong answers to the %s: %d does not fit", p, code.Wrong)
		case !code.Sent && (code.SentAt != 0 || code.Wrong != 0):
			return snapErr("a %s that was not sent", p)
		case code.SentAt > now.UnixMilli():
			return snapErr("the %s SMS was sent in the future", p)
		case code.Sent && code.SentAt <= 0:
			return snapErr("the %s SMS has no time it was sent", p)
		case st.Prompt == p && !code.Sent:
			return snapErr("%s waits for a code that was not sent", s.State)
		}
	}
	if s.Attempt != 0 {
		return snapErr("an attempt of a call at a waiting state")
	}
	// The phone being registered was typed and normalised here; the trusted
	// one is shown as call 3 returned it, whatever its format.
	if s.Phone != "" {
		if n, err := steps.NormalizePhone(s.Phone); err != nil || n != s.Phone {
			return snapErr("malformed phone number")
		}
	}
	if !steps.TrustedPhoneOK(s.Trusted) {
		return snapErr("trusted phone number: not printable text of at most 64 bytes")
	}
	calling := func(x State) bool {
		st, ok := t.State(x)
		return ok && st.Kind == flows.Calling
	}
	if s.Resume != "" && !calling(s.Resume) {
		return snapErr("resume %q is not a call of %s", s.Resume, t.Name)
	}
	if s.VerifyFor != "" {
		if v, ok := t.State(s.VerifyFor); !ok || v.Kind != flows.Calling || !v.Step.Enrolls {
			return snapErr("verifyFor %q is not an enrollment call of %s", s.VerifyFor, t.Name)
		}
	}
	if st.Resumes && s.Resume == "" {
		return snapErr("interrupted without the call to retry")
	}
	if s.Unknown && s.VerifyFor == "" {
		return snapErr("unknown outcome without the call to verify")
	}
	warned := map[string]bool{}
	for _, w := range s.Warnings {
		if w.Code.Class() != pimserr.ClassSucceededWithWarning {
			return snapErr("warning %d is not a warning code", w.Code)
		}
		if warned[w.Step] || !hasStep(t, w.Step) {
			return snapErr("warning of step %q: not a step of %s, or twice", w.Step, t.Name)
		}
		warned[w.Step] = true
	}
	if s.Failure != "" {
		return snapErr("a failure at a waiting state")
	}
	return nil
}

// hasStep reports whether a calling state of t makes step id.
func hasStep(t *flows.Table, id string) bool {
	for _, st := range t.Spec.States {
		if st.Kind == flows.Calling && st.Step != nil && st.Step.ID == id {
			return true
		}
	}
	return false
}
