package enrolltest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/enrollfsm/enrollfsm/pims"
)

// Exchange is one expected request and what the backend answers: Reply, or
// Err (a bridge error, or a *pimserr.ProtocolError for an unreadable reply).
type Exchange struct {
	Request pims.Request
	Reply   pims.Message
	Err     error
}

// ErrUnexpected matches the error Script returns for a request it did not
// expect.
var ErrUnexpected = errors.New("unexpected request")

// Script is a backend that expects exactly the given requests, in order:
// same op, API and parameters (the same key set). The first request that
// differs is recorded, answered with an ErrUnexpected error, and every later
// request fails the same way.
type Script struct {
	mu        sync.Mutex
	exchanges []Exchange
	next      int
	mismatch  error
}

// NewScript returns a backend that plays exchanges in order.
func NewScript(exchanges ...Exchange) *Script { return &Script{exchanges: exchanges} }

var _ pims.Backend = (*Script)(nil)

// Call answers the next exchange if req matches it.
func (s *Script) Call(_ context.Context, req pims.Request) (pims.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mismatch != nil {
		return pims.Message{}, s.mismatch
	}
	if s.next >= len(s.exchanges) {
		s.mismatch = fmt.Errorf("%w %d: %s (no exchange left)", ErrUnexpected, s.next+1, req)
		return pims.Message{}, s.mismatch
	}
	want := s.exchanges[s.next]
	if diff := Diff(want.Request, req); diff != "" {
		s.mismatch = fmt.Errorf("%w %d: %s", ErrUnexpected, s.next+1, diff)
		return pims.Message{}, s.mismatch
	}
	s.next++
	return want.Reply, want.Err
}

// Mismatch returns the first unexpected request's error, or nil.
func (s *Script) Mismatch() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mismatch
}

// Used returns how many exchanges were played.
func (s *Script) Used() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Left returns how many exchanges were not played.
func (s *Script) Left() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.exchanges) - s.next
}

// Diff describes how got differs from want, or returns "" when they are the
// same call. Secrets are masked on both sides.
func Diff(want, got pims.Request) string {
	if want.Op == got.Op && want.API == got.API && want.Params.Equal(got.Params) {
		return ""
	}
	var d []string
	if want.Op != got.Op || want.API != got.API {
		d = append(d, fmt.Sprintf("expected %s %s, got %s %s", want.Op, want.API, got.Op, got.API))
	}
	keys := map[string]bool{}
	for k := range want.Params.All() {
		keys[k] = true
	}
	for k := range got.Params.All() {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	wr, gr := want.RedactedParams(), got.RedactedParams()
	for _, k := range names {
		w, wok := want.Params.Get(k)
		g, gok := got.Params.Get(k)
		switch {
		case !gok:
			d = append(d, fmt.Sprintf("param %s missing (expected %q)", k, wr[k]))
		case !wok:
			d = append(d, fmt.Sprintf("param %s unexpected (got %q)", k, gr[k]))
		case w != g:
			if pims.IsSecretParam(k) || wr[k] == gr[k] {
				d = append(d, fmt.Sprintf("param %s differs (masked)", k))
			} else {
				d = append(d, fmt.Sprintf("param %s: expected %q, got %q", k, wr[k], gr[k]))
			}
		}
	}
	return strings.Join(d, "; ")
}
