// Package mobilesim binds the in-memory PIMS simulator for gomobile, so
// that an app's debug build, or a JVM test, can run enrollments without the
// SDK: a *Simulator is a mobile.Backend, and its replies are what
// Engine.Deliver takes.
package mobilesim

import (
	"context"
	"encoding/json"
	"fmt"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/mobile"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/simulator"
)

// The accounts a simulator can start with.
const (
	SituationNew        = string(simulator.SituationNew)
	SituationHasPhone   = string(simulator.SituationHasPhone)
	SituationPINExists  = string(simulator.SituationPINExists)
	SituationBlocked    = string(simulator.SituationBlocked)
	SituationPINBlocked = string(simulator.SituationPINBlocked)
	SituationEnrolled   = string(simulator.SituationEnrolled)
)

// The kinds of SMS, for LastCode.
const (
	KindCertification = simulator.KindCertification
	KindEnrollment    = simulator.KindEnrollment
)

// The values the situations use.
const (
	DefaultPhone = simulator.DefaultPhone
	DefaultPIN   = simulator.DefaultPIN
	DefaultVIN   = simulator.DefaultVIN
)

// Simulator is one device of one simulated account. It is safe for
// concurrent use.
type Simulator struct {
	sim *simulator.Simulator
}

var _ mobile.Backend = (*Simulator)(nil)

// NewSimulator returns a simulator of an account in situation (Situation*
// constants) for a device on platform ("android" or "ios").
func NewSimulator(situation, platform string) (*Simulator, error) {
	sim, err := simulator.New(
		simulator.WithSituation(simulator.Situation(situation)),
		simulator.WithPlatform(platform),
	)
	if err != nil {
		return nil, fmt.Errorf("mobilesim: %w", err)
	}
	return &Simulator{sim: sim}, nil
}

// Call answers a request as mobile.Backend does: the request JSON in, the
// message JSON out.
func (s *Simulator) Call(request string) ([]byte, error) {
	if s.sim == nil {
		return nil, fmt.Errorf("mobilesim: use NewSimulator")
	}
	var req struct {
		Op     pims.Op           `json:"op"`
		API    string            `json:"api"`
		Params map[string]string `json:"params"`
	}
	if err := json.Unmarshal([]byte(request), &req); err != nil {
		return nil, fmt.Errorf("mobilesim: request: %w", err)
	}
	msg, err := s.sim.Call(context.Background(), pims.Request{Op: req.Op, API: req.API, Params: pims.ParamsFrom(req.Params)})
	if err != nil {
		return nil, err
	}
	return json.Marshal(msg)
}

// LastCode returns the code of the latest SMS of kind (Kind* constants), as
// the user reads it on the phone; "" if none was sent.
func (s *Simulator) LastCode(kind string) string {
	if s.sim == nil {
		return ""
	}
	code, _ := s.sim.LastCode(kind)
	return code
}

// DeviceActivated reports whether this device is enrolled.
func (s *Simulator) DeviceActivated() bool {
	return s.sim != nil && s.sim.DeviceActivated()
}

// InjectNext makes the next call fail with a PIMS code.
func (s *Simulator) InjectNext(code int32) {
	if s.sim != nil {
		s.sim.InjectNext(pimserr.Code(code))
	}
}
