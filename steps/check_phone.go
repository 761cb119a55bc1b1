package steps

import (
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
	params: fixedParams(),
	succeed: func(result map[string]any, _ Context) (Decision, error) {
		if result == nil {
			return Decision{}, badResult("no result, expected phoneNumber")
		}
		for _, key := range []string{"phoneNumber", "trustedPhoneNumber", "trustedphoneNumber"} {
			phone, ok, err := stringResult(result, key)
			if err != nil {
				return Decision{}, err
			}
			if ok && phone != "" {
				return Decision{Event: enrollment.PhonePresent, Phone: phone}, nil
			}
		}
		return Decision{Event: enrollment.PhoneAbsent}, nil
	},
}
