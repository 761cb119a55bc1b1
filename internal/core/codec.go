package core

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm/flows"
)

// The snapshot's JSON, written and read by hand: one canonical encoding
// (the seal is over it), and one strict pass that refuses what
// encoding/json lets through — a duplicate key (the last would win), an
// unknown or missing key, a null, a number with a sign, a fraction or an
// exponent — without reflection or a token per value.

// doc is a snapshot as read: strings as bytes of the input (or unescaped
// copies), checked and converted by Restore.
type doc struct {
	v, seq, nextCall                  uint64
	run, flow, platform, sdk, vin     []byte
	state, phone, trusted             []byte
	resume, verifyFor, failure, seal  []byte
	autoRemove, unknown, made, unsure bool
	pinMayBeSet, afterUnsurePIN       bool
	attempt                           uint64
	counters                          [5]uint64 // wrongCodes, wrongPins, resends, removals, calls
	codes                             [flows.CodeSlots]docCode
	warnings                          []docWarning
	hasV                              bool
}

type docCode struct {
	sent          bool
	sentAt, wrong uint64
}

type docWarning struct {
	step []byte
	code uint64
}

// The keys of a snapshot, in the order Snapshot writes them.
const (
	keyV = iota
	keyRun
	keySeq
	keyFlow
	keyPlatform
	keySDK
	keyAutoRemove
	keyVIN
	keyState
	keyPhone
	keyTrusted
	keyCounters
	keyCertCode
	keyEnrollCode
	keyResume
	keyUnknown
	keyVerifyFor
	keyMade
	keyUnsure
	keyPINMayBeSet
	keyAfterUnsurePIN
	keyAttempt
	keyWarnings
	keyFailure
	keyNextCall
	keySeal
	numKeys
)

var keyNames = [numKeys]string{"v", "run", "seq", "flow", "platform", "sdk", "autoRemove", "vin", "state",
	"phone", "trusted", "counters", "certCode", "enrollCode", "resume", "unknown", "verifyFor", "made",
	"unsure", "pinMayBeSet", "afterUnsurePin", "attempt", "warnings", "failure", "nextCall", "seal"}

// required are the keys every snapshot has.
const required = 1<<keyV | 1<<keyRun | 1<<keySeq | 1<<keyFlow | 1<<keyPlatform | 1<<keySDK | 1<<keyState |
	1<<keyCounters | 1<<keyNextCall

var counterNames = [5]string{"wrongCodes", "wrongPins", "resends", "removals", "calls"}

// counterPaths and codePaths name the values a restore reads, built once so
// that reading them joins no strings.
var counterPaths = func() (p [len(counterNames)]string) {
	for i, n := range counterNames {
		p[i] = "counters." + n
	}
	return p
}()

var codePaths = [2][3]string{
	{keyNames[keyCertCode] + ".sent", keyNames[keyCertCode] + ".sentAt", keyNames[keyCertCode] + ".wrong"},
	{keyNames[keyEnrollCode] + ".sent", keyNames[keyEnrollCode] + ".sentAt", keyNames[keyEnrollCode] + ".wrong"},
}

// codeKeys are the snapshot's keys of the code slots.
var codeKeys = [flows.CodeSlots]int{flows.CertificationCode: keyCertCode, flows.EnrollmentCode: keyEnrollCode}

// maxNumber bounds every number of a snapshot: far above any run, and exact
// in a float64, so that a reader in any language reads it back.
const maxNumber = 1<<53 - 1

// scanner reads one JSON document. The first error stops it.
type scanner struct {
	data []byte
	i    int
	err  string
}

func (s *scanner) fail(format string, args ...any) {
	if s.err == "" {
		s.err = fmt.Sprintf(format, args...)
	}
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next returns the next byte after white space, 0 at the end.
func (s *scanner) next() byte {
	s.ws()
	if s.i >= len(s.data) {
		return 0
	}
	return s.data[s.i]
}

func (s *scanner) expect(c byte, at string) bool {
	if s.next() != c {
		s.fail("%s: want %q", at, c)
		return false
	}
	s.i++
	return true
}

// object reads an object, calling field for each key; field reads the value.
func (s *scanner) object(at string, field func(key []byte)) {
	if !s.expect('{', at) {
		return
	}
	if s.next() == '}' {
		s.i++
		return
	}
	for s.err == "" {
		key := s.strAt(at, " key")
		if !s.expect(':', at) {
			return
		}
		field(key)
		switch s.next() {
		case ',':
			s.i++
		case '}':
			s.i++
			return
		default:
			s.fail("%s: want , or }", at)
		}
	}
}

// str reads a string: the bytes of the input when it has no escape, a copy
// unescaped otherwise. Invalid UTF-8 and control characters are refused.
func (s *scanner) str(at string) []byte { return s.strAt(at, "") }

// strAt is str of the value at at+suffix, which is joined only to say what
// failed: a restore reads every key without building its path.
func (s *scanner) strAt(at, suffix string) []byte {
	if s.next() != '"' {
		if s.next() == 'n' {
			s.fail("%s%s is null", at, suffix)
		} else {
			s.fail("%s%s is not a string", at, suffix)
		}
		return nil
	}
	s.i++
	start := s.i
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			out := s.data[start:s.i]
			s.i++
			if !utf8.Valid(out) {
				s.fail("%s%s is not UTF-8", at, suffix)
			}
			return out
		case c == '\\':
			return s.unescape(at, suffix, start)
		case c < 0x20:
			s.fail("%s%s has a control character", at, suffix)
			return nil
		}
		s.i++
	}
	s.fail("%s%s: unterminated string", at, suffix)
	return nil
}

// unescape reads the rest of a string that has an escape at s.i.
func (s *scanner) unescape(at, suffix string, start int) []byte {
	out := append([]byte(nil), s.data[start:s.i]...)
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				s.fail("%s%s is not UTF-8", at, suffix)
			}
			return out
		case c < 0x20:
			s.fail("%s%s has a control character", at, suffix)
			return nil
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.data) {
			break
		}
		e := s.data[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				s.fail("%s%s: bad \\u escape", at, suffix)
				return nil
			}
			if utf16Surrogate(r) {
				lo, ok := rune(0), false
				if s.i+1 < len(s.data) && s.data[s.i] == '\\' && s.data[s.i+1] == 'u' {
					s.i += 2
					lo, ok = s.hex4()
				}
				if !ok || lo < 0xDC00 || lo > 0xDFFF || r > 0xDBFF {
					s.fail("%s%s: bad surrogate pair", at, suffix)
					return nil
				}
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
			}
			out = utf8.AppendRune(out, r)
		default:
			s.fail("%s%s: bad escape", at, suffix)
			return nil
		}
	}
	s.fail("%s%s: unterminated string", at, suffix)
	return nil
}

func utf16Surrogate(r rune) bool { return r >= 0xD800 && r <= 0xDFFF }

func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.i : s.i+4] {
		r <<= 4
		switch {
		case '0' <= c && c <= '9':
			r |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			r |= rune(c-'a') + 10
		case 'A' <= c && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

// uint reads a whole number from 0 to maxNumber, without sign, fraction or
// exponent.
func (s *scanner) uint(at string) uint64 {
	c := s.next()
	if c < '0' || c > '9' {
		if c == 'n' {
			s.fail("%s is null", at)
		} else {
			s.fail("%s is not a whole number from 0", at)
		}
		return 0
	}
	start := s.i
	var n uint64
	for s.i < len(s.data) && '0' <= s.data[s.i] && s.data[s.i] <= '9' {
		n = n*10 + uint64(s.data[s.i]-'0')
		s.i++
		if n > maxNumber {
			s.fail("%s: out of range", at)
			return 0
		}
	}
	if s.i-start > 1 && s.data[start] == '0' {
		s.fail("%s: a leading zero", at)
	}
	if s.i < len(s.data) {
		switch s.data[s.i] {
		case '.', 'e', 'E':
			s.fail("%s is not a whole number", at)
		}
	}
	return n
}

func (s *scanner) bool(at string) bool {
	s.ws()
	rest := s.data[s.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		s.i += 4
		return true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		s.i += 5
		return false
	case len(rest) >= 4 && string(rest[:4]) == "null":
		s.fail("%s is null", at)
	default:
		s.fail("%s is not true or false", at)
	}
	return false
}

// decode reads a snapshot in one pass. It reports the first thing wrong.
func decode(data []byte) (doc, string) {
	var d doc
	s := scanner{data: data}
	var seen uint64
	s.object("snapshot", func(key []byte) {
		k := keyIndex(key)
		if k < 0 {
			s.fail("snapshot has an unknown key %q", clip(string(key), 32))
			return
		}
		if seen&(1<<k) != 0 {
			s.fail("snapshot.%s appears twice", keyNames[k])
			return
		}
		seen |= 1 << k
		at := keyNames[k]
		switch k {
		case keyV:
			d.v, d.hasV = s.uint(at), true
		case keyRun:
			d.run = s.str(at)
		case keySeq:
			d.seq = s.uint(at)
		case keyFlow:
			d.flow = s.str(at)
		case keyPlatform:
			d.platform = s.str(at)
		case keySDK:
			d.sdk = s.str(at)
		case keyAutoRemove:
			d.autoRemove = s.bool(at)
		case keyVIN:
			d.vin = s.str(at)
		case keyState:
			d.state = s.str(at)
		case keyPhone:
			d.phone = s.str(at)
		case keyTrusted:
			d.trusted = s.str(at)
		case keyCounters:
			var have int
			s.object(at, func(key []byte) {
				for i, name := range counterNames {
					if string(key) == name {
						if have&(1<<i) != 0 {
							s.fail("counters.%s appears twice", name)
						}
						have |= 1 << i
						d.counters[i] = s.uint(counterPaths[i])
						return
					}
				}
				s.fail("counters has an unknown key %q", clip(string(key), 32))
			})
			if have != 1<<len(counterNames)-1 && s.err == "" {
				s.fail("counters lacks a counter")
			}
		case keyCertCode, keyEnrollCode:
			c, paths := &d.codes[flows.CertificationCode], &codePaths[0]
			if k == keyEnrollCode {
				c, paths = &d.codes[flows.EnrollmentCode], &codePaths[1]
			}
			var have int
			s.object(at, func(key []byte) {
				i := -1
				switch string(key) {
				case "sent":
					i, c.sent = 0, s.bool(paths[0])
				case "sentAt":
					i, c.sentAt = 1, s.uint(paths[1])
				case "wrong":
					i, c.wrong = 2, s.uint(paths[2])
				default:
					s.fail("%s has an unknown key %q", at, clip(string(key), 32))
					return
				}
				if have&(1<<i) != 0 {
					s.fail("%s.%s appears twice", at, key)
				}
				have |= 1 << i
			})
		case keyResume:
			d.resume = s.str(at)
		case keyUnknown:
			d.unknown = s.bool(at)
		case keyVerifyFor:
			d.verifyFor = s.str(at)
		case keyMade:
			d.made = s.bool(at)
		case keyUnsure:
			d.unsure = s.bool(at)
		case keyPINMayBeSet:
			d.pinMayBeSet = s.bool(at)
		case keyAfterUnsurePIN:
			d.afterUnsurePIN = s.bool(at)
		case keyAttempt:
			d.attempt = s.uint(at)
		case keyWarnings:
			if !s.expect('[', at) {
				return
			}
			if s.next() == ']' {
				s.i++
				return
			}
			for s.err == "" {
				if len(d.warnings) >= 16 {
					s.fail("warnings: more than a run can have")
					return
				}
				var w docWarning
				var have int
				s.object("warning", func(key []byte) {
					switch string(key) {
					case "step":
						if have&1 != 0 {
							s.fail("warning.step appears twice")
						}
						have |= 1
						w.step = s.str("warning.step")
					case "code":
						if have&2 != 0 {
							s.fail("warning.code appears twice")
						}
						have |= 2
						w.code = s.uint("warning.code")
					default:
						s.fail("warning has an unknown key %q", clip(string(key), 32))
					}
				})
				if have != 3 && s.err == "" {
					s.fail("a warning needs exactly one step and one code")
				}
				d.warnings = append(d.warnings, w)
				switch s.next() {
				case ',':
					s.i++
				case ']':
					s.i++
					return
				default:
					s.fail("warnings: want , or ]")
				}
			}
		case keyFailure:
			d.failure = s.str(at)
		case keyNextCall:
			d.nextCall = s.uint(at)
		case keySeal:
			d.seal = s.str(at)
		}
	})
	if s.err != "" {
		return d, s.err
	}
	if s.next() != 0 {
		return d, "data after the snapshot"
	}
	if !d.hasV {
		return d, "no version"
	}
	if missing := required &^ seen; missing != 0 {
		for k := range numKeys {
			if missing&(1<<k) != 0 {
				return d, "snapshot has no " + keyNames[k]
			}
		}
	}
	return d, ""
}

func keyIndex(key []byte) int {
	for i, name := range keyNames {
		if string(key) == name {
			return i
		}
	}
	return -1
}

// encoder writes the canonical encoding: keys in a fixed order, optional
// ones only when set, strings escaped as JSON needs and no more (no HTML
// escapes, which grow a value six-fold).
type encoder struct{ b []byte }

func (e *encoder) key(name string, first bool) {
	if !first {
		e.b = append(e.b, ',')
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, name...)
	e.b = append(e.b, '"', ':')
}

func (e *encoder) str(name, v string) {
	e.key(name, false)
	e.quote(v)
}

func (e *encoder) optStr(name, v string) {
	if v != "" {
		e.str(name, v)
	}
}

func (e *encoder) num(name string, v uint64, first bool) {
	e.key(name, first)
	e.b = strconv.AppendUint(e.b, v, 10)
}

func (e *encoder) optNum(name string, v uint64) {
	if v != 0 {
		e.num(name, v, false)
	}
}

func (e *encoder) optBool(name string, v bool, first bool) bool {
	if v {
		e.key(name, first)
		e.b = append(e.b, "true"...)
		return false
	}
	return first
}

const hexDigits = "0123456789abcdef"

func (e *encoder) quote(v string) {
	e.b = append(e.b, '"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"' || c == '\\':
			e.b = append(e.b, '\\', c)
		case c < 0x20:
			e.b = append(e.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		default:
			e.b = append(e.b, c)
		}
	}
	e.b = append(e.b, '"')
}
