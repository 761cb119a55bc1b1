// Command route drives a full-flow run to step 6, delivers the reply
// {"status": "NotEnrolled"} (or, given a code, a FAILED reply with it) and
// reads what is pending next, with coverage counters cleared just before
// the reply and written just after: what ran for that one reply, lookups
// included. Build it with coverage and read the counters with
// bench/route/run; docs/architecture.md gives the figures.
package main

import (
	"fmt"
	"os"
	"runtime/coverage"
	"strconv"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: route DIR [CODE] (a program built with -cover -covermode=atomic)")
		os.Exit(2)
	}
	last := pims.Success("t7", map[string]any{"status": "NotEnrolled"})
	if len(os.Args) == 3 {
		code, err := strconv.Atoi(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "route: CODE is a number:", err)
			os.Exit(2)
		}
		last = pims.Failure("t7", pimserr.Code(code))
	}
	if err := run(os.Args[1], last); err != nil {
		fmt.Fprintln(os.Stderr, "route:", err)
		os.Exit(1)
	}
}

func run(dir string, last pims.Message) error {
	replies := []pims.Message{
		pims.Success("t1", map[string]any{"isDeviceActivated": false}),
		pims.Success("t2", map[string]any{"isAccountBlocked": "NotBlocked"}),
		pims.Success("t3", map[string]any{"phoneNumber": nil}),
		pims.Success("t4", nil), pims.Success("t5", nil), pims.Success("t6", nil),
		last,
	}
	answers := map[enrollfsm.Prompt]string{
		enrollfsm.PromptPhoneNumber:       "0612345678",
		enrollfsm.PromptCertificationCode: "2424",
		enrollfsm.PromptEnrollmentCode:    "24242424",
	}
	e, err := enrollfsm.New(enrollfsm.FlowFull)
	if err != nil {
		return err
	}
	for n := 0; ; {
		p := e.Next()
		switch {
		case p.Kind == enrollfsm.PendingCall && p.Call.Step == "6":
			if err := coverage.ClearCounters(); err != nil {
				return err
			}
			if err := e.Deliver(p.Call.ID, replies[n], nil); err != nil {
				return err
			}
			q := e.Next()
			if err := coverage.WriteMetaDir(dir); err != nil {
				return err
			}
			if err := coverage.WriteCountersDir(dir); err != nil {
				return err
			}
			fmt.Printf("step 6's reply: %s → %s, which asks %s\n", p.State, q.State, q.Prompt)
			return nil
		case p.Kind == enrollfsm.PendingCall:
			if err := e.Deliver(p.Call.ID, replies[n], nil); err != nil {
				return err
			}
			n++
		case p.Kind == enrollfsm.PendingPrompt:
			if err := e.Answer(enrollfsm.Value(p.Prompt, answers[p.Prompt])); err != nil {
				return err
			}
		default:
			return fmt.Errorf("the run ended in %s before step 6", p.State)
		}
	}
}
