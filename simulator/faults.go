package simulator

import (
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

type faultKind int

const (
	faultCode   faultKind = iota + 1 // a FAILED reply with code
	faultBridge                      // no reply, nothing done
	faultLost                        // done, then no reply
)

type fault struct {
	kind faultKind
	code pimserr.Code
}

// serve answers one call that reached the server: an injected fault first,
// else a drawn one, else the server's own answer. Called with s.mu held.
func (s *Simulator) serve(txID string, req pims.Request) (pims.Message, error) {
	f, ok := s.nextFault()
	if !ok {
		return s.reply(txID, req), nil
	}
	switch f.kind {
	case faultBridge:
		return pims.Message{}, ErrBridge
	case faultLost:
		s.reply(txID, req)
		return pims.Message{}, ErrLostReply
	}
	switch {
	case f.code == pimserr.CodePostSyncFailed:
		// The operation succeeded, its post-synchronisation failed. An
		// operation that the server refuses cannot have succeeded, so its
		// own refusal is the reply.
		if m := s.reply(txID, req); m.Status == pims.Failed {
			return m, nil
		}
	case f.code == pimserr.CodeTimeout && req.Op == pims.Set:
		// A real timeout may hide a change made on the server.
		if s.rng.IntN(2) == 0 {
			s.reply(txID, req)
		}
	}
	return pims.Failure(txID, f.code), nil
}

// nextFault pops an injected fault, or draws one at the configured rate.
func (s *Simulator) nextFault() (fault, bool) {
	if len(s.injected) > 0 {
		f := s.injected[0]
		s.injected = s.injected[1:]
		return f, true
	}
	fs := s.faults
	if fs.Rate <= 0 || s.rng.Float64() >= fs.Rate {
		return fault{}, false
	}
	n := len(fs.Codes)
	if fs.Bridge {
		n++
	}
	if fs.Lost {
		n++
	}
	if n == 0 {
		return fault{}, false
	}
	i := s.rng.IntN(n)
	switch {
	case i < len(fs.Codes):
		return fault{kind: faultCode, code: fs.Codes[i]}, true
	case i == len(fs.Codes) && fs.Bridge:
		return fault{kind: faultBridge}, true
	}
	return fault{kind: faultLost}, true
}
