package steps

import (
	"unicode"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// CheckPhone is step 3: has the account a trusted phone number?
//
//	get pims.authentication.trustedphonenumber {}
//	→ {"phoneNumber": "0612345678"} or {"phoneNumber": null}
//
// The tutorial's text names the key trustedphoneNumber; every spelling is
// accepted (docs/contract.md §7). Null, empty or absent means no phone.
var CheckPhone = &Step{
	ID: "3", Name: "check phone number", Op: pims.Get, API: APITrustedPhone,
	Read: true, needsResult: true,
	fixed: pims.Pairs(),
	succeed: func(result map[string]any, _ Context) (Decision, error) {
		if result == nil {
			return Decision{}, badResult("no result, expected phoneNumber")
		}
		for _, key := range pims.PhoneKeys {
			phone, ok, err := stringResult(result, key)
			if err != nil {
				return Decision{}, err
			}
			if ok && phone != "" {
				if !TrustedPhoneOK(phone) {
					return Decision{}, badResult(key + " is not a phone number: over 64 bytes or with control characters")
				}
				return Decision{Event: enrollment.PhonePresent, Phone: phone}, nil
			}
		}
		return Decision{Event: enrollment.PhoneAbsent}, nil
	},
}

// TrustedPhoneOK reports whether call 3's number can be kept as it came: any
// format (spaces, a +33 prefix), but printable and at most 64 bytes, so that
// a snapshot holding it always restores.
func TrustedPhoneOK(s string) bool {
	if len(s) > 64 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}
