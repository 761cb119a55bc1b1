package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

// CheckAccount is step 2: is the account blocked?
//
//	get pims.authentication.account {actionType=strong, type=isAccountBlocked}
//	→ {"isAccountBlocked": "NotBlocked"|"AccountBlocked"|"PINBlocked"}
//
// The tutorial's sample sends a boolean: false is NotBlocked, true is
// AccountBlocked (docs/contract.md §7).
var CheckAccount = &Step{
	ID: "2", Name: "check account status", Op: pims.Get, API: APIAccount,
	Read: true, needsResult: true,
	fixed: pims.Pairs("actionType", "strong", "type", "isAccountBlocked"),
	succeed: func(result map[string]any, c Context) (Decision, error) {
		status, err := accountStatus(result)
		if err != nil {
			return Decision{}, err
		}
		if status == "NotBlocked" {
			return Decision{Event: enrollment.AccountNotBlocked}, nil
		}
		// the cause a UI shows before asking to remove every enrollment
		cause := &pimserr.StepError{Step: "2", Op: string(pims.Get), API: APIAccount,
			Err: &pimserr.Error{Code: pimserr.CodeAccountBlocked, Label: "isAccountBlocked: " + status}}
		return blocked(pimserr.CodeAccountBlocked, cause, &c), nil
	},
}

// accountStatus normalises the three documented strings and the booleans.
func accountStatus(result map[string]any) (string, error) {
	if result == nil {
		return "", badResult("no result, expected isAccountBlocked")
	}
	switch v := result["isAccountBlocked"].(type) {
	case bool:
		if v {
			return "AccountBlocked", nil
		}
		return "NotBlocked", nil
	case string:
		switch {
		case asciiFold(v, "notblocked"), asciiFold(v, "false"):
			return "NotBlocked", nil
		case asciiFold(v, "accountblocked"), asciiFold(v, "true"):
			return "AccountBlocked", nil
		case asciiFold(v, "pinblocked"):
			return "PINBlocked", nil
		}
		return "", badResult("isAccountBlocked has an unknown value")
	case nil:
		return "", badResult("result has no isAccountBlocked")
	}
	return "", badResult("isAccountBlocked is neither a string nor a boolean")
}
