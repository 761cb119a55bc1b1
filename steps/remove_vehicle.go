package steps

import (
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
)

// RemoveVehicle is step E: detach a vehicle from the account, when it is sold.
//
//	set pims.subscription.vehicle {action=removeProperty, vin}
//
// The VIN is given at start, not asked, so a rejection ends the run.
var RemoveVehicle = &Step{
	ID: "E", Name: "remove vehicle association", Op: pims.Set, API: APIVehicle,
	needsVIN: true,
	params: func(in Inputs) pims.Params {
		return pims.Pairs("action", "removeProperty", "vin", in.VIN)
	},
	done: enrollment.VehicleRemoved,
}
