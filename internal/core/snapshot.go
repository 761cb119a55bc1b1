package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/flows"
	"github.com/enrollfsm/enrollfsm/steps"
)

// SnapshotVersion is the version of the snapshots Snapshot writes; Restore
// refuses any other. Version 3 names the run and its place.
const SnapshotVersion = 3

// MaxSnapshotSize bounds what Restore reads: a snapshot is a few hundred
// bytes, and every value it holds is bounded when the engine takes it.
const MaxSnapshotSize = 4 << 10

func snapErr(format string, args ...any) error {
	return &pimserr.SnapshotError{Reason: fmt.Sprintf(format, args...)}
}

// Snapshot saves the run (docs/snapshots.md): its settings, its state, the
// phone being registered and its run state, never a PIN or an SMS code,
// sealed with the snapshot key if there is one. The run gets its id at its
// first snapshot, and each snapshot a new place. During a call it saves the
// run as if the call had been interrupted after it was made, its reply
// lost: a process killed while the call is out then restores to a run that
// counts the call's answer and SMS, never to the prompt before it.
func (c *Core) Snapshot() ([]byte, error) {
	if c.table == nil {
		return nil, ErrNotStarted.Err
	}
	switch st := c.state(); st.Kind {
	case flows.Waiting, flows.Terminal:
	case flows.Calling:
		return c.snapshotInFlight(st)
	default:
		return nil, fmt.Errorf("%w: %s makes a call; save at a prompt", pimserr.ErrNotWaiting, st.Name)
	}
	c.ensureID()
	c.run.Seq++
	e := encoder{b: make([]byte, 0, 512)}
	c.encode(&e)
	if c.cfg.SealKey == nil {
		return e.b, nil
	}
	mac := seal(c.cfg.SealKey, e.b)
	e.b = e.b[:len(e.b)-1]
	e.str("seal", mac)
	e.b = append(e.b, '}')
	return e.b, nil
}

// snapshotInFlight saves a copy of the run whose call at st was made and
// its reply lost, and gives the run the copy's place, so that a snapshot
// taken before it is older.
func (c *Core) snapshotInFlight(st *flows.State) ([]byte, error) {
	c.ensureID()
	cp := c.Clone()
	cp.cfg.Observers, cp.cfg.Logger = nil, nil
	cp.take(enrollment.CallInterrupted, &steps.Decision{Err: pimserr.ErrReplyLost, Unknown: st.Step.Enrolls, Unsure: st.Step.Blames.IsSecret()})
	if cp.state().Kind != flows.Waiting {
		return nil, fmt.Errorf("%w: %s makes a call; save at a prompt", pimserr.ErrNotWaiting, st.Name)
	}
	data, err := cp.Snapshot()
	if err == nil {
		c.run.Seq = cp.run.Seq
	}
	return data, err
}

// ensureID gives the run its random id.
func (c *Core) ensureID() {
	if c.run.ID != "" {
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	c.run.ID = base64.RawURLEncoding.EncodeToString(b[:])
}

// Place returns where the run is: its id and its place, which the next
// snapshot passes.
func (c *Core) Place() enrollment.Place {
	if c.table == nil {
		return enrollment.Place{}
	}
	c.ensureID()
	return enrollment.Place{Run: c.run.ID, Seq: c.run.Seq}
}

// encode writes the run, without a seal, in the canonical encoding.
func (c *Core) encode(e *encoder) {
	r := &c.run
	e.b = append(e.b, '{')
	e.num("v", SnapshotVersion, true)
	e.str("run", r.ID)
	e.num("seq", r.Seq, false)
	e.str("flow", string(c.flow))
	e.str("platform", string(c.in.Platform))
	e.str("sdk", c.cfg.SDK)
	e.optBool("autoRemove", c.cfg.AutoRemove, false)
	e.optStr("vin", c.in.VIN)
	e.str("state", string(c.m.Current()))
	e.optStr("phone", c.in.Phone)
	e.optStr("trusted", c.in.Trusted)
	n := &r.Counters
	e.key("counters", false)
	e.b = append(e.b, '{')
	for i, v := range [5]int{n.WrongCodes, n.WrongPINs, n.Resends, n.Removals, n.Calls} {
		e.num(counterNames[i], uint64(v), i == 0)
	}
	e.b = append(e.b, '}')
	for slot := flows.CertificationCode; slot < flows.CodeSlots; slot++ {
		code := r.Codes[slot]
		if code == (Code{}) {
			continue
		}
		e.key(keyNames[codeKeys[slot]], false)
		e.b = append(e.b, '{')
		first := e.optBool("sent", code.Sent, true)
		if code.SentAt != 0 {
			e.num("sentAt", uint64(code.SentAt), first)
			first = false
		}
		if code.Wrong != 0 {
			e.num("wrong", uint64(code.Wrong), first)
		}
		e.b = append(e.b, '}')
	}
	e.optStr("resume", string(r.Resume))
	e.optBool("unknown", r.Unknown, false)
	e.optStr("verifyFor", string(r.VerifyFor))
	e.optBool("made", r.Made, false)
	e.optBool("unsure", r.Unsure, false)
	e.optBool("pinMayBeSet", r.PINMayBeSet, false)
	e.optBool("afterUnsurePin", r.AfterUnsurePIN, false)
	e.optNum("attempt", uint64(r.Attempt))
	if len(r.Warnings) > 0 {
		e.key("warnings", false)
		e.b = append(e.b, '[')
		for i, w := range r.Warnings {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = append(e.b, '{')
			e.key("step", true)
			e.quote(w.Step)
			e.num("code", uint64(w.Code), false)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.optStr("failure", string(r.Failure))
	e.num("nextCall", r.NextCall, false)
	e.b = append(e.b, '}')
}

// seal is the HMAC of a snapshot's canonical encoding without its seal.
func seal(key, body []byte) string {
	sum := sealSum(key, body)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func sealSum(key, body []byte) (sum [sha256.Size]byte) {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("enrollfsm snapshot\n"))
	m.Write(body)
	m.Sum(sum[:0])
	return sum
}

// Restore resumes a run saved by Snapshot at a waiting state, under cfg (the
// options); the run's own settings come from the snapshot, and an option
// that contradicts one is refused with ErrConfig. A snapshot of another
// version, a corrupt one, one no run could be in, one whose seal is missing
// or wrong under a key, or one older than cfg.Latest is refused with a
// *pimserr.SnapshotError (ErrSnapshot). The restored core holds no PIN and
// no SMS code: it goes back to the prompt of any its next call needs.
func Restore(data []byte, cfg Config) (*Core, error) {
	c := new(Core)
	if err := c.Restore(data, cfg); err != nil {
		return nil, err
	}
	return c, nil
}

// Restore makes c, a zero Core, the core a snapshot saved (see the function
// Restore). On an error c is left as it was.
func (c *Core) Restore(data []byte, cfg Config) error {
	if len(data) > MaxSnapshotSize {
		return snapErr("%d bytes, over the %d a snapshot may have", len(data), MaxSnapshotSize)
	}
	d, why := decode(data)
	if d.hasV && d.v != SnapshotVersion {
		return snapErr("version %d, this engine reads version %d", d.v, SnapshotVersion)
	}
	if why != "" {
		return snapErr("corrupt: %s", why)
	}
	var r Core
	if err := r.build(&d, cfg); err != nil {
		return err
	}
	if err := r.checkSeal(&d); err != nil {
		return err
	}
	if l := cfg.Latest; l.Run != "" {
		switch {
		case r.run.ID != l.Run:
			return &pimserr.SnapshotError{Reason: "of another run than the latest one saved", Err: pimserr.ErrStaleSnapshot}
		case r.run.Seq < l.Seq:
			return &pimserr.SnapshotError{Reason: fmt.Sprintf("an older one of this run (place %d, the latest is %d)", r.run.Seq, l.Seq), Err: pimserr.ErrStaleSnapshot}
		}
	}
	if err := r.check(d.codes); err != nil {
		return err
	}
	if r.settlesToUnsentCode() {
		return snapErr("%s needs a code that was not sent", r.state().Name)
	}
	*c = r
	c.settle()
	return nil
}

// build makes c the core a snapshot describes, refusing a value no engine
// writes.
func (c *Core) build(d *doc, cfg Config) error {
	conflict := func(what string, saved, given any) error {
		return fmt.Errorf("%w: the snapshot's %s is %v, an option says %v", pimserr.ErrConfig, what, saved, given)
	}
	// The snapshot's words are taken as the engine's own strings, and its
	// free text (the run id, the SDK version, the phone numbers) is copied
	// into one string: a restore allocates once for all of them.
	var platform enrollment.Platform
	switch string(d.platform) {
	case string(enrollment.Android):
		platform = enrollment.Android
	case string(enrollment.IOS):
		platform = enrollment.IOS
	default:
		platform = enrollment.Platform(d.platform)
	}
	var buf [160]byte
	text := string(append(append(append(append(buf[:0], d.run...), d.sdk...), d.phone...), d.trusted...))
	run, text := text[:len(d.run)], text[len(d.run):]
	sdk, text := text[:len(d.sdk)], text[len(d.sdk):]
	phone, trusted := text[:len(d.phone)], text[len(d.phone):]
	switch {
	case cfg.PlatformSet && cfg.Platform != platform:
		return conflict("platform", clip(string(platform), 16), cfg.Platform)
	case cfg.SDKSet && cfg.SDK != sdk:
		return conflict("SDK version", clip(sdk, MaxSDKVersion), cfg.SDK)
	case cfg.AutoRemoveSet && cfg.AutoRemove != d.autoRemove:
		return conflict("automatic removal", d.autoRemove, cfg.AutoRemove)
	case cfg.VINSet && cfg.VIN != string(d.vin):
		return conflict("VIN", clip(string(d.vin), 17), cfg.VIN)
	case platform != enrollment.Android && platform != enrollment.IOS:
		return snapErr("platform %q", clip(string(platform), 16))
	case !enrollment.RunIDOK(run):
		return snapErr("run id: not 1 to 32 URL-safe base64 characters")
	}
	v, err := ParseSDKVersion(sdk)
	if err != nil {
		return snapErr("%v", err)
	}
	cfg.Platform, cfg.SDK, cfg.SDKVersion, cfg.AutoRemove, cfg.VIN = platform, sdk, v, d.autoRemove, ""
	if len(d.vin) > 0 {
		if cfg.VIN, err = steps.NormalizeVIN(string(d.vin)); err != nil || cfg.VIN != string(d.vin) {
			return snapErr("vin: not a VIN as the engine keeps one")
		}
	}
	flow := named(d.flow)
	resolved, table, err := Resolve(flow, &cfg)
	if err != nil {
		return snapErr("%v", err)
	}
	if resolved != flow {
		return snapErr("flow %q is not a resolved flow", clip(string(flow), 32))
	}
	st, ok := table.State(enrollment.State(d.state))
	if !ok {
		return snapErr("%s has no state %q", table.Name, clip(string(d.state), 32))
	}
	m, err := table.Def.MachineAt(st.Name)
	if err != nil {
		return snapErr("%s has no state %q", table.Name, clip(string(d.state), 32))
	}
	*c = Core{cfg: cfg, flow: resolved, table: table, m: m, restored: true}
	c.in = steps.Inputs{Platform: cfg.Platform, VIN: cfg.VIN, Phone: phone, Trusted: trusted}
	r := &c.run
	r.ID, r.Seq = run, d.seq
	r.Counters = enrollment.Counters{WrongCodes: int(d.counters[0]), WrongPINs: int(d.counters[1]),
		Resends: int(d.counters[2]), Removals: int(d.counters[3]), Calls: int(d.counters[4])}
	for slot := range d.codes {
		dc := d.codes[slot]
		r.Codes[slot] = Code{Sent: dc.sent, SentAt: int64(dc.sentAt), Wrong: int(dc.wrong)}
	}
	r.Resume, r.Unknown, r.VerifyFor = stateOf(table, d.resume), d.unknown, stateOf(table, d.verifyFor)
	r.Made, r.Unsure, r.PINMayBeSet, r.AfterUnsurePIN = d.made, d.unsure, d.pinMayBeSet, d.afterUnsurePIN
	r.Attempt, r.Failure, r.NextCall = int(d.attempt), pimserr.Failure(d.failure), d.nextCall
	for _, w := range d.warnings {
		r.Warnings = append(r.Warnings, Warning{Step: string(w.step), Code: pimserr.Code(w.code)})
	}
	return nil
}

// named is the registry's own name of flow b, or b copied if none has it.
func named(b []byte) enrollment.Flow {
	if string(b) == string(auto.Name) {
		return auto.Name
	}
	for _, t := range registry {
		if string(b) == t.Name {
			return enrollment.Flow(t.Name)
		}
	}
	return enrollment.Flow(b)
}

// stateOf is table's own name of state b, or b copied if it has none (for
// the checks to refuse).
func stateOf(table *flows.Table, b []byte) enrollment.State {
	if st, ok := table.State(enrollment.State(b)); ok {
		return st.Name
	}
	return enrollment.State(b)
}

// checkSeal verifies the seal over the canonical encoding of what was read,
// so that any change of a value, however it is spelled, breaks it.
func (c *Core) checkSeal(d *doc) error {
	if c.cfg.SealKey == nil {
		return nil
	}
	if len(d.seal) == 0 {
		return snapErr("not sealed, and this engine has a snapshot key")
	}
	// The seal is compared as the MAC it encodes, read into an array (no
	// string is built to compare); strictly, so that one MAC has one text.
	var got [sha256.Size]byte
	ok := len(d.seal) == base64.RawURLEncoding.EncodedLen(len(got))
	if ok {
		n, err := base64.RawURLEncoding.Strict().Decode(got[:], d.seal)
		ok = err == nil && n == len(got)
	}
	e := encoder{b: make([]byte, 0, 512)}
	c.encode(&e)
	want := sealSum(c.cfg.SealKey, e.b)
	if !ok || !hmac.Equal(got[:], want[:]) {
		return snapErr("the seal does not match: the snapshot was changed, or sealed with another key")
	}
	return nil
}

// check refuses a run state no run of the table, under these limits and at
// this time, could hold.
func (c *Core) check(codes [flows.CodeSlots]docCode) error {
	t, r, l := c.table, &c.run, c.cfg.Limits
	st := c.state()
	if st.Kind != flows.Waiting {
		return snapErr("%s is a %s state; only a waiting state can be restored", st.Name, st.Kind)
	}
	n := r.Counters
	// Each counter stays below the value at which the run would have ended
	// or been refused. Codes: two per pass through step 3, plus resends.
	codesSent := 2*(n.Removals+1) + n.Resends
	switch {
	case n.WrongPINs >= l.PINAttempts:
		return snapErr("%d wrong PINs: a run ends at %d", n.WrongPINs, l.PINAttempts)
	case n.Resends > l.Resends:
		return snapErr("%d resends: a run allows %d", n.Resends, l.Resends)
	case n.Removals > l.Removals:
		return snapErr("%d removals: a run allows %d", n.Removals, l.Removals)
	case n.WrongCodes > l.CodeAttempts*codesSent:
		return snapErr("%d wrong codes: more than %d codes allow", n.WrongCodes, codesSent)
	case r.NextCall < 1:
		return snapErr("next call %d: out of range", r.NextCall)
	case r.Attempt != 0:
		return snapErr("an attempt of a call at a waiting state")
	case r.Failure != "":
		return snapErr("a failure at a waiting state")
	}
	now := c.cfg.Clock.Now().UnixMilli()
	for slot := flows.CertificationCode; slot < flows.CodeSlots; slot++ {
		code, read := r.Codes[slot], codes[slot]
		switch {
		case read.wrong > uint64(n.WrongCodes) || code.Wrong > l.CodeAttempts:
			return snapErr("wrong answers to the %s: %d does not fit", slot, read.wrong)
		case !code.Sent && (code.SentAt != 0 || code.Wrong != 0):
			return snapErr("a %s that was not sent", slot)
		case code.SentAt > now:
			return snapErr("the %s SMS was sent in the future", slot)
		case code.Sent && code.SentAt <= 0:
			return snapErr("the %s SMS has no time it was sent", slot)
		case st.Code == slot && !code.Sent:
			return snapErr("%s waits for a code that was not sent", st.Name)
		}
	}
	// The phone being registered was typed and normalised here; the trusted
	// one is shown as call 3 returned it, whatever its format.
	if c.in.Phone != "" {
		if p, err := steps.NormalizePhone(c.in.Phone); err != nil || p != c.in.Phone {
			return snapErr("malformed phone number")
		}
	}
	if !steps.TrustedPhoneOK(c.in.Trusted) {
		return snapErr("trusted phone number: not printable text of at most 64 bytes")
	}
	calling := func(x enrollment.State) (*flows.State, bool) {
		s, ok := t.State(x)
		return s, ok && s.Kind == flows.Calling
	}
	resume, ok := calling(r.Resume)
	if r.Resume != "" && !ok {
		return snapErr("resume %q is not a call of %s", clip(string(r.Resume), 32), t.Name)
	}
	verify, ok := calling(r.VerifyFor)
	if r.VerifyFor != "" && (!ok || !verify.Step.Enrolls) {
		return snapErr("verifyFor %q is not an enrollment call of %s", clip(string(r.VerifyFor), 32), t.Name)
	}
	switch {
	case st.Resumes && r.Resume == "":
		return snapErr("interrupted without the call to retry")
	case r.Unknown && r.VerifyFor == "":
		return snapErr("unknown outcome without the call to verify")
	case r.Unsure && !unsureFits(resume, verify):
		return snapErr("an answer without a reply, of a call that sends none")
	}
	warned := map[string]bool{}
	for _, w := range r.Warnings {
		if w.Code.Class() != pimserr.ClassSucceededWithWarning {
			return snapErr("warning %d is not a warning code", w.Code)
		}
		if warned[w.Step] || t.Step(w.Step) == nil {
			return snapErr("warning of step %q: not a step of %s, or twice", clip(w.Step, 8), t.Name)
		}
		warned[w.Step] = true
	}
	return nil
}

// unsureFits reports whether the kept call, or the one it verifies, sends a
// PIN or a code.
func unsureFits(resume, verify *flows.State) bool {
	for _, s := range []*flows.State{resume, verify} {
		if s != nil && s.Step != nil && s.Step.Blames.IsSecret() {
			return true
		}
	}
	return false
}
