package steps_test

import (
	"errors"
	"strings"
	"testing"

	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/steps"
)

// The validators see whatever a user types: each either accepts a value of
// the documented shape or refuses it with an *InputError that does not echo
// it. Seeds: testdata/fuzz/Fuzz*.

func refused(t *testing.T, err error, input string) {
	t.Helper()
	var ie *pimserr.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("%q: refusal is not an *InputError: %v", input, err)
	}
	if len(input) > 3 && strings.Contains(err.Error(), input) {
		t.Fatalf("%q: the refusal echoes the value", input)
	}
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0612345678", "+33 6 12 34 56 78", "06.12.34.56.78", "12-34", "++1", "٠٦١٢٣٤٥٦٧٨"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := steps.NormalizePhone(in)
		if err != nil {
			refused(t, err, in)
			return
		}
		digits := strings.TrimPrefix(out, "+")
		if !allDigits(digits) || len(digits) < 6 || len(digits) > 15 {
			t.Fatalf("%q accepted as %q", in, out)
		}
		if again, err := steps.NormalizePhone(out); err != nil || again != out {
			t.Fatalf("%q: normalising twice gives %q, %v", out, again, err)
		}
	})
}

func FuzzParseSMSCodeAndPIN(f *testing.F) {
	for _, s := range []string{"2424", "24242424", "123", "123456789", "12a4", " 1234", "१२३४"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, parse := range []func(string) (interface{ Reveal() string }, error){
			func(s string) (interface{ Reveal() string }, error) { return steps.ParseSMSCode(s) },
			func(s string) (interface{ Reveal() string }, error) { return steps.ParsePIN(s) },
		} {
			v, err := parse(in)
			if err != nil {
				refused(t, err, in)
				continue
			}
			if v.Reveal() != in || !allDigits(in) || len(in) < 4 || len(in) > 8 {
				t.Fatalf("%q accepted", in)
			}
		}
	})
}

func FuzzNormalizeVIN(f *testing.F) {
	for _, s := range []string{"VR1AB12C3D4567890", "vr1ab12c3d4567890", "VR1AB12C3D456789O", "VR1AB12C3D45678é", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := steps.NormalizeVIN(in)
		if err != nil {
			refused(t, err, in)
			return
		}
		if len(out) != 17 || strings.ContainsAny(out, "IOQ") {
			t.Fatalf("%q accepted as %q", in, out)
		}
		for _, c := range out {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				t.Fatalf("%q accepted as %q", in, out)
			}
		}
	})
}
