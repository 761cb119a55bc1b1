package main

import (
	"path/filepath"
	"strings"
)

// glossary is the demo's short list of the words and codes a user meets;
// docs/cli.md has the same list.
const glossary = `Words you will meet:
  PIMS        the connected-car backend the app calls through the mobile
              SDK (pims.get, pims.set); the demo simulates it
  inWebo      the strong-authentication service behind PIMS: it checks the
              PIN and the SMS codes; its refusals read "inwebo: ..."
  certification code
              texted to a phone number you register, to prove it is yours
  enrollment code
              texted to the account's trusted phone, to enroll this device
  PIN         4 to 8 digits, chosen at the first enrollment; 5 wrong ones end
              a run, and the server then locks the PIN
  2308        inWebo refused the code or the PIN (access refused): asked again
  2310, 2317  the account is blocked (too many devices, or a locked PIN), or
              the device is enrolled already: removing every enrollment
              unblocks it
  2201, 2202, 2204, 2314
              the call failed on the way (timeout, no internet, server
              error, no service): try it again
  2316        done, but a synchronisation after it failed: a warning
`

// inWeboNote follows the first answer from inWebo in a run.
const inWeboNote = `PIMS is the connected-car backend these calls go to; inWebo, the ` +
	`strong-authentication service behind it, checks PINs and SMS codes, and its answers read "inwebo: ..."`

// invocation is how the user started this command, for the hints it
// prints: "go run ./cmd/enroll" under go run, else the program as typed.
var invocation = "enroll"

// commandName turns a program path (os.Args[0]) into what to type to run it
// again: go run builds into a temporary folder (…/go-build…/b001/exe/enroll)
// that is gone once it ends.
func commandName(arg0 string) string {
	dir := filepath.Dir(arg0)
	if filepath.Base(dir) == "exe" && strings.Contains(dir, "go-build") {
		return "go run ./cmd/enroll"
	}
	if arg0 == "" {
		return "enroll"
	}
	return shellWord(arg0)
}

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+,:@%=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
