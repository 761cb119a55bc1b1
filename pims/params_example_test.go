package pims_test

import (
	"fmt"

	"github.com/enrollfsm/enrollfsm/pims"
)

// A bridge hands the SDK each parameter as it is; printing masks the
// secrets and the phone number.
func ExampleParams() {
	req := pims.Request{Op: pims.Set, API: "pims.authentication.smscode",
		Params: pims.Pairs("type", "addPhoneNumber", "smsCode", "2424", "phoneNumber", "0612345678")}
	for name, value := range req.Params.All() {
		fmt.Printf("%s: %d characters\n", name, len(value))
	}
	fmt.Println(req)
	// Output:
	// type: 14 characters
	// smsCode: 4 characters
	// phoneNumber: 10 characters
	// set pims.authentication.smscode{phoneNumber=06••••••78 smsCode=•••• type=addPhoneNumber}
}
