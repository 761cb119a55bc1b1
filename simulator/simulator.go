// Package simulator is an in-memory PIMS server that behaves as the "Device
// Enrollment & Account Management" tutorial describes, for host teams to test
// their app (and the engine) without the SDK.
//
// A Simulator implements pims.Backend for one device, the one the engine runs
// on, of one account; the account may have other, simulated devices. It keeps
// the account's state (trusted phone, PIN, block status, activated devices,
// vehicles), issues SMS codes, and answers each call of the tutorial with the
// documented reply or error code. Faults (error codes, bridge errors, lost
// replies) and latency can be injected or drawn from a seeded RNG, so a run is
// reproducible for a given seed.
//
// A Simulator has no goroutines of its own and is safe for concurrent use.
package simulator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// Platforms accepted by WithPlatform. iOS sends the enrollment code with
// calls 7 and 8.
const (
	Android = "android"
	IOS     = "ios"
)

// The values of Account.Blocked, as call 2 reports them.
const (
	NotBlocked     = "NotBlocked"
	AccountBlocked = "AccountBlocked"
	PINBlocked     = "PINBlocked"
)

// The kinds of SMS code, as SMS.Kind and LastCode name them.
const (
	KindCertification = "phoneNumberCertification" // call 4a, to the number being registered
	KindEnrollment    = "enrollment"               // call 5, to the trusted phone
)

// The values the situation presets use.
const (
	DefaultPhone = "0612345678"
	DefaultPIN   = "1234"
	DefaultVIN   = "VR1AB12C3D4567890"
)

// Default limits.
const (
	DefaultCodeTTL    = 10 * time.Minute
	DefaultMaxDevices = 5
	// DefaultMaxWrongPINs is the engine's own bound (docs/contract.md §4):
	// the server locks the PIN at the wrong PIN that ends the run, so an
	// engine never counts a try the server would refuse.
	DefaultMaxWrongPINs = 5
	// maxWrongCodes wrong answers burn an SMS code.
	maxWrongCodes = 3
)

// Errors Call returns when a bridge fault is injected or drawn. Neither is a
// *pimserr.ProtocolError: to the engine, no message came back.
var (
	// ErrBridge: the bridge failed before the server acted.
	ErrBridge = errors.New("simulator: bridge error")
	// ErrLostReply: the server acted, then the reply was lost.
	ErrLostReply = errors.New("simulator: reply lost")
)

// Situation is a preset starting state of the account.
type Situation string

// The situation presets. Every one has the vehicle DefaultVIN.
const (
	// SituationNew: no phone, no PIN, device not activated, not blocked, no
	// other devices.
	SituationNew Situation = "new"
	// SituationHasPhone: trusted phone DefaultPhone, no PIN.
	SituationHasPhone Situation = "has_phone"
	// SituationPINExists: phone, PIN DefaultPIN, one other activated device.
	SituationPINExists Situation = "pin_exists"
	// SituationBlocked: phone, PIN, AccountBlocked because the device limit
	// is reached (other devices = the maximum).
	SituationBlocked Situation = "blocked"
	// SituationPINBlocked: phone, PIN, PINBlocked, one other activated
	// device (a PIN is locked on an account that was enrolled somewhere).
	SituationPINBlocked Situation = "pin_blocked"
	// SituationEnrolled: phone, PIN, this device activated.
	SituationEnrolled Situation = "enrolled"
)

// Situations lists every preset, from the emptiest account to an enrolled
// device.
func Situations() []Situation {
	return []Situation{SituationNew, SituationHasPhone, SituationPINExists, SituationBlocked, SituationPINBlocked, SituationEnrolled}
}

// Account is the server-side state of the account.
type Account struct {
	Phone           string   // trusted phone, "" = none
	PIN             string   // "" = no PIN registered
	Blocked         string   // NotBlocked ("" on input), AccountBlocked or PINBlocked
	DeviceActivated bool     // this device
	OtherDevices    int      // other activated devices of the account
	Vehicles        []string // VINs attached; nil on input = one, DefaultVIN
}

func (a Account) clone() Account {
	a.Vehicles = slices.Clone(a.Vehicles)
	return a
}

// Faults makes a share of the calls fail, drawn from the seeded RNG.
//
// A fault code, drawn or injected, is answered with pims.Failure (its
// documented label) and the server does not act, with two exceptions that
// mirror a real server: 2201 on a set call acts with probability 1/2 (a
// timeout may hide a change), and 2316 acts and is answered 2316 (succeeded,
// post-synchronisation failed), unless the server refuses the call, whose
// own refusal is then the answer.
type Faults struct {
	Rate   float64        // probability that a call gets a fault (0 = never, 1 = always)
	Codes  []pimserr.Code // codes to draw from (nil: every documented code; empty: none)
	Bridge bool           // also draw "bridge error": Call returns ErrBridge without acting
	Lost   bool           // also draw "lost reply": the server acts, then Call returns ErrLostReply
}

// Simulator is an in-memory PIMS server for one device of one account. The
// zero value is not usable: call New.
type Simulator struct {
	mu sync.Mutex

	// configuration, fixed by New
	platform     string
	seed         int64
	now          func() time.Time
	sleep        func(ctx context.Context, d time.Duration) error
	latMin       time.Duration
	latMax       time.Duration
	faults       Faults
	onSMS        func(SMS)
	codeTTL      time.Duration
	maxDevices   int
	maxWrongPINs int
	strict       bool
	situation    Situation
	startAccount *Account

	rng *rand.Rand

	// server state
	acct      Account
	wrongPINs int
	certCode  *smsCode // pending phoneNumberCertification code
	enrCode   *smsCode // pending enrollment code
	validated bool     // the enrollment session was validated by call 6 or B

	// injected faults, consumed in order by the calls that reach the server
	injected []fault

	// records
	tx       int
	requests []pims.Request
	outbox   []SMS
}

// smsCode is an issued code and what has been tried against it.
type smsCode struct {
	code   string
	phone  string // the number it certifies (certification codes)
	issued time.Time
	wrong  int
}

var _ pims.Backend = (*Simulator)(nil)

// Option configures a Simulator.
type Option func(*Simulator)

// WithPlatform sets the device's OS: Android (default) or IOS. New refuses
// any other value.
func WithPlatform(p string) Option { return func(s *Simulator) { s.platform = p } }

// WithSituation starts the account in a preset situation (SituationNew by
// default). It replaces an earlier WithAccount. New refuses an unknown
// situation.
func WithSituation(sit Situation) Option {
	return func(s *Simulator) { s.situation, s.startAccount = sit, nil }
}

// WithAccount starts the account in exactly this state. It replaces an
// earlier WithSituation. New refuses an unknown Blocked value or a negative
// OtherDevices.
func WithAccount(a Account) Option {
	return func(s *Simulator) {
		c := a.clone()
		s.startAccount, s.situation = &c, ""
	}
}

// WithSeed seeds the RNG that draws codes, faults and latency (default 1).
func WithSeed(seed int64) Option { return func(s *Simulator) { s.seed = seed } }

// WithNow sets the clock that dates SMS codes and expires them (default
// time.Now).
func WithNow(now func() time.Time) Option { return func(s *Simulator) { s.now = now } }

// WithSleep sets how latency is waited (default: a real timer that returns
// ctx.Err() when ctx ends first). A fake lets tests take no wall time.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Simulator) { s.sleep = sleep }
}

// WithLatency makes each call wait a seeded duration in [min, max] through
// the sleep function before the server acts. If ctx ends during the wait,
// Call returns ctx.Err() and the server does nothing. A max below min is
// taken as min.
func WithLatency(min, max time.Duration) Option {
	return func(s *Simulator) { s.latMin, s.latMax = min, max }
}

// WithFaults makes a share of the calls fail (see Faults).
func WithFaults(f Faults) Option {
	return func(s *Simulator) {
		f.Codes = slices.Clone(f.Codes)
		s.faults = f
	}
}

// WithSMS sets a function called with every SMS the server sends, after the
// call's state change and outside the simulator's lock, so it may call the
// Simulator's methods.
func WithSMS(fn func(SMS)) Option { return func(s *Simulator) { s.onSMS = fn } }

// WithCodeTTL sets how long an SMS code stays valid (default 10 minutes).
func WithCodeTTL(d time.Duration) Option { return func(s *Simulator) { s.codeTTL = d } }

// WithMaxDevices sets the account's device limit (default 5).
func WithMaxDevices(n int) Option { return func(s *Simulator) { s.maxDevices = n } }

// WithMaxWrongPINs sets how many wrong PINs in a row lock the account as
// PINBlocked (default DefaultMaxWrongPINs, 5). The last of them is answered
// 2308, as any wrong PIN, and locks the account: every later call that
// needs the PIN is answered 2317. A host that runs the engine with other
// limits gives it their PINAttempts.
func WithMaxWrongPINs(n int) Option { return func(s *Simulator) { s.maxWrongPINs = n } }

// WithStrictParams sets whether an unexpected extra parameter is refused with
// 2102 (default true) or ignored.
func WithStrictParams(on bool) Option { return func(s *Simulator) { s.strict = on } }

// New returns a simulator. The options are applied in order; the starting
// account is built last, so WithMaxDevices applies to SituationBlocked
// whatever the order. An invalid option value is refused with an error
// wrapping ErrOption; tests that build a fixed simulator use MustNew.
func New(opts ...Option) (*Simulator, error) {
	s := &Simulator{
		platform:     Android,
		seed:         1,
		now:          time.Now,
		sleep:        realSleep,
		codeTTL:      DefaultCodeTTL,
		maxDevices:   DefaultMaxDevices,
		maxWrongPINs: DefaultMaxWrongPINs,
		strict:       true,
		situation:    SituationNew,
	}
	for _, o := range opts {
		o(s)
	}
	if s.platform != Android && s.platform != IOS {
		return nil, fmt.Errorf("%w: platform %q (want %q or %q)", ErrOption, s.platform, Android, IOS)
	}
	if s.maxDevices < 1 || s.maxWrongPINs < 1 {
		return nil, fmt.Errorf("%w: MaxDevices and MaxWrongPINs must be at least 1", ErrOption)
	}
	if s.now == nil || s.sleep == nil {
		return nil, fmt.Errorf("%w: WithNow and WithSleep need a function", ErrOption)
	}
	if s.latMax < s.latMin {
		s.latMax = s.latMin
	}
	if !(s.faults.Rate > 0) { // NaN too
		s.faults.Rate = 0
	}
	s.faults.Rate = min(s.faults.Rate, 1)
	if s.faults.Codes == nil {
		s.faults.Codes = pimserr.Codes()
	}
	s.rng = rand.New(rand.NewPCG(uint64(s.seed), 0x656e726f6c6c)) // "enroll"
	if s.startAccount != nil {
		s.acct = *s.startAccount
	} else {
		acct, ok := s.preset(s.situation)
		if !ok {
			return nil, fmt.Errorf("%w: unknown situation %q (want one of %v)", ErrOption, s.situation, Situations())
		}
		s.acct = acct
	}
	if s.acct.Blocked == "" {
		s.acct.Blocked = NotBlocked
	}
	if s.acct.Blocked != NotBlocked && s.acct.Blocked != AccountBlocked && s.acct.Blocked != PINBlocked {
		return nil, fmt.Errorf("%w: Account.Blocked %q (want NotBlocked, AccountBlocked or PINBlocked)", ErrOption, s.acct.Blocked)
	}
	if s.acct.OtherDevices < 0 {
		return nil, fmt.Errorf("%w: Account.OtherDevices is negative", ErrOption)
	}
	if s.acct.Vehicles == nil {
		s.acct.Vehicles = []string{DefaultVIN}
	}
	return s, nil
}

// ErrOption is wrapped by New's refusal of an invalid option value.
var ErrOption = errors.New("simulator: invalid option")

// MustNew is New for tests and examples with fixed options: it panics where
// New returns an error.
func MustNew(opts ...Option) *Simulator {
	s, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

func (s *Simulator) preset(sit Situation) (Account, bool) {
	switch sit {
	case SituationNew:
		return Account{}, true
	case SituationHasPhone:
		return Account{Phone: DefaultPhone}, true
	case SituationPINExists:
		return Account{Phone: DefaultPhone, PIN: DefaultPIN, OtherDevices: 1}, true
	case SituationBlocked:
		return Account{Phone: DefaultPhone, PIN: DefaultPIN, Blocked: AccountBlocked, OtherDevices: s.maxDevices}, true
	case SituationPINBlocked:
		return Account{Phone: DefaultPhone, PIN: DefaultPIN, Blocked: PINBlocked, OtherDevices: 1}, true
	case SituationEnrolled:
		return Account{Phone: DefaultPhone, PIN: DefaultPIN, DeviceActivated: true}, true
	}
	return Account{}, false
}

func realSleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Call answers req as the PIMS server would. A FAILED reply is a message, not
// an error; Call returns an error only for an injected bridge fault or lost
// reply (ErrBridge, ErrLostReply), or ctx.Err() when ctx ends before the
// server acts, in which case nothing changed.
func (s *Simulator) Call(ctx context.Context, req pims.Request) (pims.Message, error) {
	// Receipt: record the request and draw the latency, under the lock, so
	// that a sequential run draws the same numbers whatever the sleep does.
	s.mu.Lock()
	s.tx++
	txID := fmt.Sprintf("sim-%06d", s.tx)
	s.requests = append(s.requests, req) // Params are immutable: no copy
	delay := s.latMin
	if s.latMax > s.latMin {
		delay += time.Duration(s.rng.Int64N(int64(s.latMax-s.latMin) + 1))
	}
	s.mu.Unlock()

	if delay > 0 {
		if err := s.sleep(ctx, delay); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return pims.Message{}, cerr
			}
			return pims.Message{}, err
		}
	}

	s.mu.Lock()
	if err := ctx.Err(); err != nil {
		s.mu.Unlock()
		return pims.Message{}, err
	}
	outboxBefore := len(s.outbox)
	msg, err := s.serve(txID, req)
	sent := slices.Clone(s.outbox[outboxBefore:])
	onSMS := s.onSMS
	s.mu.Unlock()

	// Outside the lock: the callback may read the simulator.
	if onSMS != nil {
		for _, m := range sent {
			onSMS(m)
		}
	}
	return msg, err
}

// Account returns a copy of the account's current state.
func (s *Simulator) Account() Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acct.clone()
}

// DeviceActivated reports whether this device is enrolled.
func (s *Simulator) DeviceActivated() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acct.DeviceActivated
}

// Outbox returns every SMS sent, in order.
func (s *Simulator) Outbox() []SMS {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outbox)
}

// LastCode returns the code of the latest SMS of a kind (KindCertification or
// KindEnrollment) that was sent, valid or not: what the user would read on
// their phone.
func (s *Simulator) LastCode(kind string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.outbox) - 1; i >= 0; i-- {
		if s.outbox[i].Kind == kind {
			return s.outbox[i].Code, true
		}
	}
	return "", false
}

// Requests returns a copy of every request received, in order, including
// those refused or cancelled.
func (s *Simulator) Requests() []pims.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// InjectNext makes the next call that reaches the server fail with code,
// whatever the call is (see Faults for 2201 and 2316, which may act).
// Injections queue up, one per call, and come before drawn faults. A call
// cancelled during its latency does not reach the server.
func (s *Simulator) InjectNext(code pimserr.Code) {
	s.inject(fault{kind: faultCode, code: code})
}

// InjectBridgeError makes the next call that reaches the server return
// ErrBridge without acting.
func (s *Simulator) InjectBridgeError() { s.inject(fault{kind: faultBridge}) }

// InjectLostReply makes the next call that reaches the server act, then
// return ErrLostReply instead of its reply.
func (s *Simulator) InjectLostReply() { s.inject(fault{kind: faultLost}) }

func (s *Simulator) inject(f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.injected = append(s.injected, f)
}
