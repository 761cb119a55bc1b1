package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// savedState is the server's database: the account, the pending codes and
// the session. Like any server's, it holds the PIN and the codes; it is the
// simulated backend's, never the app's.
type savedState struct {
	Version   int        `json:"version"`
	Platform  string     `json:"platform"`
	Seed      int64      `json:"seed"`
	Account   Account    `json:"account"`
	WrongPINs int        `json:"wrongPins"`
	Cert      *savedCode `json:"certificationCode,omitempty"`
	Enr       *savedCode `json:"enrollmentCode,omitempty"`
	Validated bool       `json:"validated"`
	Tx        int        `json:"transactions"`
	// Inbox is the SMS on the user's phone, which survive the app.
	Inbox []savedSMS `json:"inbox,omitempty"`
}

type savedSMS struct {
	To   string    `json:"to"`
	Code string    `json:"code"`
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
}

type savedCode struct {
	Code   string    `json:"code"`
	Phone  string    `json:"phone,omitempty"`
	Issued time.Time `json:"issued"`
	Wrong  int       `json:"wrong"`
}

func saveCode(c *smsCode) *savedCode {
	if c == nil {
		return nil
	}
	return &savedCode{Code: c.code, Phone: c.phone, Issued: c.issued, Wrong: c.wrong}
}

func (c *savedCode) load() *smsCode {
	if c == nil {
		return nil
	}
	return &smsCode{code: c.Code, phone: c.Phone, issued: c.Issued, wrong: c.Wrong}
}

// SaveState returns the server's state and the SMS sent as JSON, for a demo
// or a test that stops its process and goes on later: Load gives a
// simulator that answers as this one would. The request record and injected
// faults are not saved.
func (s *Simulator) SaveState() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := savedState{
		Version: 1, Platform: s.platform, Seed: s.seed, Account: s.acct.clone(),
		WrongPINs: s.wrongPINs, Cert: saveCode(s.certCode), Enr: saveCode(s.enrCode),
		Validated: s.validated, Tx: s.tx,
	}
	for _, m := range s.outbox {
		st.Inbox = append(st.Inbox, savedSMS(m))
	}
	return json.Marshal(st)
}

// Load returns a simulator in the state SaveState saved, configured by opts
// (WithPlatform, WithSituation and WithAccount are overridden by the state).
func Load(data []byte, opts ...Option) (*Simulator, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var st savedState
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("simulator: corrupt state: %w", err)
	}
	if st.Version != 1 {
		return nil, fmt.Errorf("simulator: state version %d, want 1", st.Version)
	}
	if st.Platform != Android && st.Platform != IOS {
		return nil, fmt.Errorf("simulator: state platform %q", st.Platform)
	}
	switch st.Account.Blocked {
	case NotBlocked, AccountBlocked, PINBlocked:
	default:
		return nil, fmt.Errorf("simulator: state blocked %q", st.Account.Blocked)
	}
	if st.Account.OtherDevices < 0 || st.WrongPINs < 0 || st.Tx < 0 {
		return nil, fmt.Errorf("simulator: state has a negative count")
	}
	if st.Account.Vehicles == nil {
		st.Account.Vehicles = []string{}
	}
	acct := st.Account
	s, err := New(append(opts, WithPlatform(st.Platform), WithSeed(st.Seed), WithAccount(acct))...)
	if err != nil {
		return nil, err
	}
	s.wrongPINs, s.validated, s.tx = st.WrongPINs, st.Validated, st.Tx
	s.certCode, s.enrCode = st.Cert.load(), st.Enr.load()
	for _, m := range st.Inbox {
		s.outbox = append(s.outbox, SMS(m))
	}
	// A fresh stream, so codes issued after the load differ from those before.
	s.rng = rand.New(rand.NewPCG(uint64(st.Seed), uint64(st.Tx)+1))
	return s, nil
}
