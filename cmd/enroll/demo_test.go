package main

import (
	"bufio"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every bad flag value and every contradiction is a usage error: exit 2,
// one message naming what is accepted, no header, no panic.
func TestDemo_BadFlagsAreUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-platform", "windows"}, `-platform "windows": want android or ios`},
		{[]string{"-platform", "IOS"}, `-platform "IOS": want android or ios`},
		{[]string{"-flow", "FULL"}, `-flow "FULL": want full, shortcut or auto`},
		{[]string{"-flow", "reset_pin"}, `-flow "reset_pin": want full, shortcut or auto`},
		{[]string{"-op", "bogus"}, `-op "bogus": want remove_enrollments, reset_pin, update_pin, modify_phone or remove_vehicle`},
		{[]string{"-op", ""}, `-op "": want remove_enrollments`},
		{[]string{"-situation", "haunted"}, `-situation "haunted": want new, has_phone, pin_exists, blocked, pin_blocked or enrolled`},
		{[]string{"-interactive", "maybe"}, `-interactive "maybe": want auto, yes or no`},
		{[]string{"-sdk", "v2.1.0"}, `-sdk "v2.1.0": want a version MAJOR.MINOR.PATCH`},
		{[]string{"-sdk", "2.1"}, `-sdk "2.1": want a version MAJOR.MINOR.PATCH`},
		{[]string{"-sdk", ""}, `-sdk "": want a version`},
		// Reference: issue 27, "-sdk 02.1.0 is accepted".
		{[]string{"-sdk", "02.1.0"}, `-sdk "02.1.0": want a version MAJOR.MINOR.PATCH without leading zeros`},
		{[]string{"-sdk", "2.01.0"}, `-sdk "2.01.0": want a version`},
		{[]string{"-sdk", "2.1.00"}, `-sdk "2.1.00": want a version`},
		{[]string{"-flow", "shortcut", "-sdk", "2.0.9"}, "shortcut flow needs SDK 2.1.0"},
		{[]string{"-latency", "-1s"}, "-latency -1s: want a duration from 0 to 1m0s"},
		{[]string{"-latency", "2h"}, "-latency 2h0m0s: want a duration from 0 to 1m0s"},
		{[]string{"-latency", "soon"}, `invalid value "soon" for flag -latency`},
		{[]string{"-faults", "1.5"}, "-faults 1.5: want a share between 0 and 1"},
		{[]string{"-faults", "-0.1"}, "-faults -0.1: want a share between 0 and 1"},
		{[]string{"-faults", "NaN"}, "-faults NaN: want a share between 0 and 1"},
		{[]string{"-faults", "lots"}, `invalid value "lots" for flag -faults`},
		{[]string{"-seed", "x"}, `invalid value "x" for flag -seed`},
		{[]string{"-auto-remove=maybe"}, `invalid boolean value "maybe" for -auto-remove`},
		{[]string{"-prefetch=2"}, `invalid boolean value "2" for -prefetch`},
		{[]string{"-colour"}, "flag provided but not defined: -colour"},
		{[]string{"extra"}, `demo takes no arguments, got ["extra"]`},
		{[]string{"-op", "remove_vehicle", "-vin", "VIN"}, "invalid VIN: must be 17 characters"},
		{[]string{"-vin", "WVWZZZ1JZXW000001"}, "-vin is for -op remove_vehicle"},
		{[]string{"-op", "reset_pin", "-vin", "WVWZZZ1JZXW000001"}, "-vin is for -op remove_vehicle"},
		{[]string{"-op", "reset_pin", "-flow", "full"}, "-flow is for enrollments, not for -op reset_pin"},
		{[]string{"-op", "update_pin", "-auto-remove"}, "-auto-remove is for enrollments"},
		{[]string{"-op", "update_pin", "-prefetch"}, "-prefetch is for enrollments"},
		{[]string{"-op", "update_pin", "-sdk", "2.0.0"}, "-sdk is for enrollments"},
		{[]string{"-op", "remove_vehicle", "-save", "x.json"}, "-save stops at an SMS code prompt, and -op remove_vehicle has none"},
		{[]string{"-save", "a.json", "-resume", "b.json"}, "-save and -resume go in two runs"},
		{[]string{"-save", ""}, "-save and -resume need a file name"},
		{[]string{"-resume", "run.json", "-platform", "ios"}, "-platform cannot change a saved run"},
		{[]string{"-resume", "run.json", "-flow", "full"}, "-flow cannot change a saved run"},
		{[]string{"-resume", "run.json", "-situation", "new"}, "-situation cannot change a saved run"},
		{[]string{"-resume", "run.json", "-seed", "2"}, "-seed cannot change a saved run"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var code int
			var out, errOut string
			require.NotPanics(t, func() { code, out, errOut = runCLI(t, "", append([]string{"demo"}, tc.args...)...) })
			assert.Equal(t, 2, code)
			assert.Empty(t, out, "no header, no help before the error")
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(errOut, "enroll demo:"), "the error is printed once:\n%s", errOut)
			assert.Contains(t, errOut, `Run "enroll demo -h" for its flags.`)
			assert.NotContains(t, errOut, "Usage of")
		})
	}
}

// Help goes to stdout with exit 0, for every command and every way to ask.
func TestHelp_ToStdoutForEveryCommand(t *testing.T) {
	for _, args := range [][]string{
		{"-h"}, {"--help"}, {"help"},
		{"demo", "-h"}, {"demo", "--help"}, {"help", "demo"},
		{"replay", "-h"}, {"help", "replay"},
		{"paths", "-h"}, {"help", "paths"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		assert.Equal(t, 0, code, args)
		assert.Empty(t, errOut, args)
		assert.True(t, strings.HasPrefix(out, "usage: enroll"), "%v:\n%s", args, out)
		for _, line := range strings.Split(strings.ReplaceAll(out, "\t", "        "), "\n") {
			assert.LessOrEqual(t, utf8.RuneCountInString(line), 80, "%v: %q", args, line)
		}
	}
	// Every command main dispatches, including those with docs of their own.
	for _, c := range dispatched(t) {
		code, out, errOut := runCLI(t, "", c, "-h")
		assert.Equal(t, 0, code, c)
		assert.Empty(t, errOut, c)
		assert.True(t, strings.HasPrefix(out, "usage: enroll "+c), "%s -h:\n%s", c, out)
	}
	code, _, errOut := runCLI(t, "", "help", "bake")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "bake"`)
}

// The package doc (go doc ./cmd/enroll) and the usage list every command
// main dispatches, and the doc gives every exit code.
func TestDoc_ListsEveryCommandAndExitCode(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "main.go", nil, parser.ParseComments)
	require.NoError(t, err)
	doc := file.Doc.Text()
	commands := dispatched(t)
	require.Contains(t, commands, "demo")
	for _, c := range commands {
		assert.True(t, strings.Contains(doc, "enroll "+c+" "), "go doc lists %s", c)
		assert.True(t, strings.Contains(usage, "\n  "+c+" "), "the usage lists %s", c)
	}
	for _, code := range []string{"0", "1", "2", "130"} {
		assert.Regexp(t, `(?m)^\s*`+code+`\s+\S`, doc, "exit code %s", code)
	}
	page, err := os.ReadFile("../../docs/cli.md")
	require.NoError(t, err)
	for _, c := range commands {
		assert.True(t, strings.Contains(string(page), "enroll "+c), "docs/cli.md describes %s", c)
	}
	assert.Contains(t, string(page), "130")
}

// dispatched lists the commands run's switch dispatches, from main.go.
func dispatched(t *testing.T) []string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, 0)
	require.NoError(t, err)
	var commands []string
	ast.Inspect(file, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "run" {
			return true
		}
		ast.Inspect(fn, func(n ast.Node) bool {
			if cc, ok := n.(*ast.CaseClause); ok {
				for _, e := range cc.List {
					if lit, ok := e.(*ast.BasicLit); ok {
						name, _ := strconv.Unquote(lit.Value)
						if !strings.HasPrefix(name, "-") && name != "help" {
							commands = append(commands, name)
						}
					}
				}
			}
			return true
		})
		return false
	})
	return commands
}

// The header says what runs, in lines that fit 80 columns, and nothing is
// printed before it.
func TestDemo_HeaderFits80Columns(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "-interactive", "yes", "-situation", "pin_blocked", "-platform", "ios", "-prefetch"},
		{"demo", "-flow", "full", "-sdk", "10.20.30"},
		{"demo", "-op", "remove_enrollments"},
	} {
		_, out, _ := runCLI(t, "", args...)
		require.True(t, strings.HasPrefix(out, "enroll demo: "), out)
		header, _, _ := strings.Cut(out, "  start →")
		for _, line := range strings.Split(header, "\n") {
			assert.LessOrEqual(t, utf8.RuneCountInString(line), 80, line)
		}
	}
	_, out, _ := runCLI(t, "", "demo", "-interactive", "yes", "-platform", "ios", "-situation", "pin_blocked")
	assert.Contains(t, out, "enroll demo: auto (shortcut with SDK 2.1.0) on ios, account pin_blocked\n")
}

// A wrong code says what happened and what is left, in words.
func TestDemo_WrongCodeInPlainWords(t *testing.T) {
	code, out, _ := runCLI(t, "0612345678\n000000\n000001\n", "demo", "-interactive", "yes", "-flow", "full")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "! That code is not right — 2 tries left, or type resend for a new one.\n")
	assert.Contains(t, out, "! That code is not right — 1 try left, or type resend for a new one.\n")
	assert.NotContains(t, out, "! step", "no backend jargon for a user's mistake")
	assert.NotContains(t, out, "000000", "a code typed is not shown")
}

// The why comes before "Remove every enrollment?", and the answer is
// matched without regard to case; a word that is no answer says which are.
func TestDemo_RemovalAsksWithItsWhy(t *testing.T) {
	_, out, _ := runCLI(t, "maybe\nYES\n", "demo", "-interactive", "yes", "-situation", "blocked")
	why := strings.Index(out, "! Your account is blocked")
	ask := strings.Index(out, "? Remove every enrollment? [cancel, yes, no]")
	require.GreaterOrEqual(t, why, 0, out)
	assert.Less(t, why, ask)
	assert.Contains(t, out, "signs your other devices out")
	assert.Contains(t, out, "! Type cancel, yes or no.\n")
	assert.Contains(t, out, "confirming_removal → removing_enrollments")

	_, out, _ = runCLI(t, "yes\n", "demo", "-interactive", "yes", "-situation", "pin_blocked")
	assert.Contains(t, out, "! Your PIN is blocked after too many wrong tries.")
}

// The simulated account's PIN is shown where the account has one, so that
// a new user can finish -situation pin_exists and -op update_pin.
func TestDemo_ShowsTheAccountsPIN(t *testing.T) {
	code, out, errOut := runCLI(t, "1234\n4321\n4321\n", "demo", "-interactive", "yes", "-op", "update_pin")
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "[simulated account] its PIN is 1234")
	assert.Contains(t, out, "outcome: done")
}

// A new PIN is asked twice; two different PINs send nothing.
func TestDemo_NewPINAskedTwice(t *testing.T) {
	code, out, errOut := runCLI(t, "1234\n5555\n5556\n5555\n5555\n", "demo", "-interactive", "yes", "-op", "update_pin")
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "? Type the new PIN again: ")
	assert.Contains(t, out, "! The two PINs differ; nothing was sent. Choose the new PIN again.")
	assert.Equal(t, 1, strings.Count(out, "step C:"), "one call C, with the PIN typed twice alike")
	assert.NotContains(t, out, "5555")
}

// Actions are matched without regard to case.
func TestDemo_ActionsIgnoreCase(t *testing.T) {
	code, out, _ := runCLI(t, "Cancel\n", "demo", "-interactive", "yes")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "awaiting_phone_number → cancelled  [cancel_requested]")
}

// A line over 64 KiB is refused with a clear error, and the prompt asked
// again; the run goes on.
func TestDemo_LongLineIsRefused(t *testing.T) {
	long := strings.Repeat("7", maxLine+1)
	code, out, _ := runCLI(t, long+"\ncancel\n", "demo", "-interactive", "yes")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "! That line is over 64 KiB; nothing was sent. Type the answer again.")
	assert.Contains(t, out, "outcome: cancelled")
	assert.Less(t, len(out), 10000, "the line is not printed back")
}

func TestReadLine(t *testing.T) {
	exact := strings.Repeat("1", maxLine)
	r := bufio.NewReader(strings.NewReader(exact + "\r\n" + exact + "1\nlast"))
	line, err := readLine(r)
	require.NoError(t, err)
	assert.Equal(t, exact, line, "64 KiB is accepted, CRLF trimmed")
	_, err = readLine(r)
	assert.ErrorIs(t, err, errLineTooLong)
	line, err = readLine(r)
	require.NoError(t, err)
	assert.Equal(t, "last", line, "a last line without newline counts")
	_, err = readLine(r)
	assert.ErrorIs(t, err, io.EOF)
}

// -save with nothing to save says so and fails.
func TestDemo_SaveWithNothingToSave(t *testing.T) {
	file := filepath.Join(t.TempDir(), "run.json")
	code, out, errOut := runCLI(t, "", "demo", "-situation", "enrolled", "-save", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "outcome: enrolled")
	assert.Contains(t, errOut, "nothing saved to "+file+": the run ended at enrolled without asking for an SMS code")
	assert.NoFileExists(t, file)
}

// With every call failing, the demo says it gave up.
func TestDemo_FaultsGivingUpSaysSo(t *testing.T) {
	code, out, _ := runCLI(t, "", "demo", "-faults", "1")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "outcome: cancelled: the demo gave up, the call failed 6 times in a row")
}

// -prefetch makes calls 1, 2 and 3 in one round trip.
func TestDemo_PrefetchSavesRoundTrips(t *testing.T) {
	_, plain, _ := runCLI(t, "", "demo", "-latency", "20ms")
	_, fetched, _ := runCLI(t, "", "demo", "-prefetch", "-latency", "20ms")
	assert.Contains(t, plain, "5 calls in 5 round trips")
	assert.Contains(t, fetched, "prefetch: calls 1, 2 and 3 go out together\n")
	assert.Contains(t, fetched, "5 calls in 3 round trips")
	assert.Contains(t, fetched, "outcome: enrolled")
}

// A cancelled context ends the demo at once with exit 130, at a prompt or
// in the bot's loop; -save saves first. (The signal itself is tested with a
// real process in signal_test.go.)
func TestDemo_CancelledContextExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	file := filepath.Join(t.TempDir(), "run.json")
	var out, errOut strings.Builder
	code := run(ctx, []string{"demo", "-save", file}, strings.NewReader(""), &out, &errOut)
	assert.Equal(t, 130, code, out.String()+errOut.String())
	assert.Contains(t, out.String(), "stopped by Ctrl-C at interrupted")
	assert.Contains(t, out.String(), "saved at interrupted to "+file)
	assert.NotContains(t, out.String(), "? retry", "no retry once the context is done")
	assert.FileExists(t, file)
	assert.FileExists(t, file+".server")
}

// A run's error says its failure once: the code of a failure that the
// backend's reply caused is the cause's own.
func TestRunError_SaysTheFailureOnce(t *testing.T) {
	cause := &pimserr.StepError{Step: "E", Op: "set", API: "pims.subscription.vehicle", Err: pimserr.ErrInvalidParameter}
	err := &pimserr.RunError{Failure: pimserr.FailureCode(pimserr.CodeInvalidParameter), Err: cause}
	assert.Equal(t, "run failed: step E (set pims.subscription.vehicle): pims 2102: "+pimserr.CodeInvalidParameter.Label(), err.Error())
	err = &pimserr.RunError{Failure: pimserr.FailureTooManyAttempts, Err: cause}
	assert.Equal(t, 1, strings.Count(err.Error(), "too_many_attempts"))
	assert.Contains(t, err.Error(), "pims 2102")
	assert.Equal(t, "run failed: not_enrolled", (&pimserr.RunError{Failure: pimserr.FailureNotEnrolled}).Error())
}

func TestMatchAction(t *testing.T) {
	acts := []enrollfsm.Action{enrollfsm.ActionCancel, enrollfsm.ActionResend, enrollfsm.ActionChangePhone}
	for line, want := range map[string]enrollfsm.Action{
		"cancel": enrollfsm.ActionCancel, "CANCEL": enrollfsm.ActionCancel, "Resend": enrollfsm.ActionResend,
		"re": enrollfsm.ActionResend, "ch": enrollfsm.ActionChangePhone,
	} {
		got, ok := matchAction(line, acts)
		assert.True(t, ok, line)
		assert.Equal(t, want, got, line)
	}
	for _, line := range []string{"c", "", "resends", "123456", "x"} {
		_, ok := matchAction(line, acts)
		assert.False(t, ok, "%q is no action, or more than one", line)
	}
	yes, ok := matchAction("y", []enrollfsm.Action{enrollfsm.ActionCancel, enrollfsm.ActionYes, enrollfsm.ActionNo})
	assert.True(t, ok)
	assert.Equal(t, enrollfsm.ActionYes, yes)
}

// Once no code is left to send, resend is not offered, and the prompt says
// so; a word that is no answer is refused with the choices.
func TestDemo_NoResendOfferedOnceNoneLeft(t *testing.T) {
	_, out, _ := runCLI(t, "0612345678\nresend\nresend\nresend\nresend\n", "demo", "-interactive", "yes", "-flow", "full")
	assert.Contains(t, out, "? Code texted to 06••••••78 (no new code can be sent) [cancel]: ")
	assert.Contains(t, out, "[cancel]: resend\n  ! No new code can be sent in this run. Type the code, or an action: cancel.\n")
	assert.Equal(t, 4, strings.Count(out, "step 4a:"), "the first code and three resends, no more")
}

// An action typed in part that could be two is not taken for a value; a
// phone change asks for the new number, showing the current one masked.
func TestDemo_AmbiguousActionAndNewPhone(t *testing.T) {
	code, out, errOut := runCLI(t, "0798765432\nc\nch\n0711111111\ncancel\n", "demo", "-op", "modify_phone", "-interactive", "yes")
	assert.Equal(t, 1, code, out+errOut)
	assert.Contains(t, out, `! "c" could be cancel or change_phone: type more of it.`)
	assert.Equal(t, 2, strings.Count(out, "? New phone number (now 06••••••78) [cancel]: "), "change_phone asks again")
	assert.Contains(t, out, "outcome: cancelled")
}

// At reset_pin a refused step B may be the code's fault: the message says so.
func TestDemo_ResetRefusedNamesTheCode(t *testing.T) {
	_, out, _ := runCLI(t, "111111\n5555\n5555\ncancel\n", "demo", "-op", "reset_pin", "-interactive", "yes")
	assert.Contains(t, out, "! The server refused the reset: the code or the PIN is not right (cancel to")
	assert.Contains(t, out, "4 tries left.")
}

// Asking a person, every line fits 80 columns but the typed answers; calls
// are wrapped.
func TestDemo_PersonsLinesFit80Columns(t *testing.T) {
	_, out, _ := runCLI(t, "0612345678\n000000\ncancel\n", "demo", "-interactive", "yes", "-flow", "full", "-platform", "ios")
	for _, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(line), 80, line)
	}
	assert.Contains(t, out, "    step 1: get pims.authentication.account{actionType=strong\n        type=isDeviceActivated} → SUCCEEDED\n")
}

// replay: 1 when a scenario fails (tested above), 2 when a file is not a
// scenario or no path is given, each said once.
func TestReplay_ExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"name": 3}`), 0o644))
	code, out, errOut := runCLI(t, "", "replay", bad)
	assert.Equal(t, 2, code)
	assert.Empty(t, errOut)
	assert.Equal(t, 1, strings.Count(out, "ERROR "+bad+": invalid scenario: "), out)
	code, _, errOut = runCLI(t, "", "replay")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "replay needs at least one scenario file or folder\nRun \"enroll replay -h\" for its flags.\n")
}

// A wrong PIN says what is left, and the way out.
func TestDemo_WrongPINInPlainWords(t *testing.T) {
	_, out, _ := runCLI(t, "972617\n0000\ncancel\n", "demo", "-interactive", "yes", "-situation", "pin_exists", "-flow", "full")
	assert.Contains(t, out, "! That PIN is not right — 4 tries left, or type forgot_pin for a new one.\n")
}

// A replay stopped by Ctrl-C exits 130, whatever the scenarios cut short.
func TestReplay_InterruptedExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut strings.Builder
	code := run(ctx, []string{"replay", "../../testdata/scenarios"}, strings.NewReader(""), &out, &errOut)
	assert.Equal(t, 130, code, out.String()+errOut.String())
	assert.Equal(t, "enroll replay: interrupted\n", errOut.String())
}
