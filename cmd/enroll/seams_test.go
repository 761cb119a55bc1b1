package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/simulator"
	"github.com/enrollfsm/enrollfsm/steps"
)

// firstEnrollmentCode is the code the demo's simulator (seed 1) texts first
// to an account in sit.
func firstEnrollmentCode(t *testing.T, sit simulator.Situation) string {
	t.Helper()
	sim := simulator.MustNew(simulator.WithSituation(sit), simulator.WithSeed(1))
	_, err := sim.Call(context.Background(), pims.Request{Op: pims.Get, API: simulator.APISMSCode, Params: pims.Pairs("type", "enrollment")})
	require.NoError(t, err)
	code, ok := sim.LastCode(simulator.KindEnrollment)
	require.True(t, ok)
	return code
}

// Reference: issue 27, "the demo promises tries the server does not give":
// five wrong PINs in full get five 2308, the tries left counted down to 1,
// and the run ends on the engine's bound with the server's lock said.
func TestDemo_FiveWrongPINsInFull(t *testing.T) {
	in := firstEnrollmentCode(t, simulator.SituationPINExists) + "\n0000\n0001\n0002\n0003\n0004\n"
	code, out, errOut := runCLI(t, in, "demo", "-interactive", "yes", "-flow", "full", "-situation", "pin_exists")
	assert.Equal(t, 1, code, out+errOut)
	wantFiveWrongPINs(t, out, "! That PIN is not right — %s, or type forgot_pin for a new one.",
		"The server has locked the PIN as well: the next enrollment of this device will offer to remove every enrollment of the account, which unlocks it.")
	assert.Equal(t, 5, strings.Count(out, "step 8: set pims.authentication.enrollment{action=enroll pinCode=••••} →\n        FAILED 2308"), out)
}

// The same in update_pin, where each try is the old PIN, then the new one
// twice.
func TestDemo_FiveWrongPINsInUpdatePIN(t *testing.T) {
	in := strings.Repeat("0000\n5678\n5678\n", 5)
	code, out, errOut := runCLI(t, in, "demo", "-interactive", "yes", "-op", "update_pin")
	assert.Equal(t, 1, code, out+errOut)
	wantFiveWrongPINs(t, out, "! That is not your current PIN — %s.",
		"The server has locked the PIN as well: it refuses the PIN operations (2317) until every enrollment of the account is removed (-op remove_enrollments), which unlocks it.")
	assert.Equal(t, 5, strings.Count(out, "FAILED 2308"), out)
}

func wantFiveWrongPINs(t *testing.T, out, refused, locked string) {
	t.Helper()
	// The messages are wrapped at 80 columns: they are read word by word.
	words := strings.Join(strings.Fields(out), " ")
	at := 0
	for _, left := range []string{"4 tries left", "3 tries left", "2 tries left", "1 try left (a wrong one ends the run)"} {
		i := strings.Index(words[at:], strings.Replace(refused, "%s", left, 1))
		require.GreaterOrEqual(t, i, 0, "%q after %d:\n%s", left, at, out)
		at += i
	}
	assert.NotContains(t, out, "FAILED 2317", "the server refuses no try the demo offered")
	assert.NotContains(t, out, "Remove every enrollment?")
	assert.Contains(t, out, "outcome: failed: that was wrong PIN number 5, the most one run allows\n  (too_many_attempts)")
	assert.Contains(t, words[strings.Index(words, "outcome:"):], locked)
	for _, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(line), 80, "a person reads 80 columns: %q", line)
	}
}

// When the server locks the PIN before the engine's count runs out (a
// server with a stricter lock than the demo's simulator), the demo says so
// in words rather than "the server refused".
func TestDemo_ServerThatLockedThePINFirstIsSaid(t *testing.T) {
	step := &pimserr.StepError{Step: "C", Op: "set", API: simulator.APIPINCode, Err: pimserr.New(pimserr.CodeForbidden)}
	o := enrollfsm.Outcome{State: enrollfsm.Failed, Failure: pimserr.FailureCode(pimserr.CodeForbidden), Err: &pimserr.RunError{Failure: pimserr.FailureCode(pimserr.CodeForbidden), Err: step}}
	assert.Equal(t, "the server has locked the PIN after too many wrong tries, so it refused the call: "+step.Error(),
		failureText(o, enrollfsm.Counters{WrongPINs: 2}, true))
	assert.Equal(t, "the server refused: "+step.Error(), failureText(o, enrollfsm.Counters{}, false), "blocked otherwise")
}

// Reference: issue 27, "PIMS and inWebo are never explained, yet the demo
// shows FAILED 2308 inwebo: access refused": the first such answer is
// followed by what they are, once.
func TestDemo_ExplainsPIMSAndInWeboAtTheFirstAnswer(t *testing.T) {
	for _, interactive := range []string{"yes", "no"} {
		in := "000000\n000001\ncancel\n"
		_, out, _ := runCLI(t, in, "demo", "-interactive", interactive, "-flow", "full", "-situation", "pin_exists", "-faults", "0")
		if interactive == "no" {
			_, out, _ = runCLI(t, "", "demo", "-op", "remove_vehicle", "-vin", "WVWZZZ1JZXW000001")
			assert.Contains(t, out, "pims 2102", "no inWebo answer here")
			assert.NotContains(t, out, "inWebo, the")
			continue
		}
		first := strings.Index(out, "FAILED 2308 inwebo: access refused")
		require.Greater(t, first, 0, out)
		note := strings.Index(out, "(PIMS is the connected-car backend these calls go to; inWebo, the")
		require.Greater(t, note, first, out)
		assert.Equal(t, 1, strings.Count(out, "PIMS is the connected-car backend"), out)
		assert.Less(t, note-first, 120, "right below the answer")
	}
}

// Reference: issue 27, "without a terminal the demo prints
// phoneNumberCertification code ••••".
func TestDemo_AnsweringByItselfSaysTheTextInWords(t *testing.T) {
	_, out, _ := runCLI(t, "", "demo", "-flow", "full")
	assert.NotContains(t, out, "phoneNumberCertification code")
	assert.NotContains(t, out, "code ••••")
	assert.Contains(t, out, "    [phone 06••••••78] a text arrives with the certification code; the demo reads it\n")
	assert.Contains(t, out, "    [phone 06••••••78] a text arrives with the enrollment code; the demo reads it\n")
}

// Reference: issue 27, "Try the call again? [cancel, retry] refuses yes".
func TestDemo_RetryPromptTakesYesAndNo(t *testing.T) {
	code, out, _ := runCLI(t, "yes\nY\nno\n", "demo", "-interactive", "yes", "-faults", "1")
	assert.Equal(t, 1, code)
	assert.Equal(t, 3, strings.Count(out, "? Try the call again? [cancel, retry]: "), out)
	assert.NotContains(t, out, "not possible here")
	assert.Contains(t, out, "outcome: cancelled")
}

// Reference: issue 23, "a PIN typed in Arabic-Indic digits is echoed by the
// demo": read from a pipe, an answer with a digit of any script is masked.
func TestDemo_EchoMasksDigitsOfEveryScript(t *testing.T) {
	for _, pin := range []string{"٨٦٤٢", "८६४२", "８６４２", "²³⁴⁵"} {
		_, out, _ := runCLI(t, pin+"\ncancel\n", "demo", "-interactive", "yes", "-op", "update_pin")
		assert.NotContains(t, out, pin)
		assert.Contains(t, out, "? Your current PIN [cancel]: ••••\n", pin)
		assert.Contains(t, out, "That is not a valid PIN: it must be 4 to 8 digits. Nothing was sent.", pin)
	}
}

// Reference: issue 27, "modify_phone to the current number succeeds
// silently" (decision 84): refused before any SMS.
func TestDemo_ModifyPhoneRefusesTheCurrentNumber(t *testing.T) {
	code, out, _ := runCLI(t, "06 12 34 56 78\ncancel\n", "demo", "-interactive", "yes", "-op", "modify_phone")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "! That is not a valid phone number: it must differ from the account's current\n    number. Nothing was sent.\n")
	assert.NotContains(t, out, "step 4a")
	assert.NotContains(t, out, "your certification code")
}

// Reference: issue 27, "a garbled sentence: it only digits, ...": every
// reason a local check gives reads as the end of "That is not a valid X:
// it ...", for every value prompt, and the list of reasons walked is every
// reason the checks have.
func TestDemo_EveryValidationErrorReadsAsASentence(t *testing.T) {
	walked := map[string]bool{}
	say := func(prompt enrollfsm.Prompt, err error) string {
		var ie *pimserr.InputError
		require.ErrorAs(t, err, &ie)
		walked[ie.Reason] = true
		p := enrollfsm.Pending{Prompt: prompt, Reason: &pimserr.PromptError{Err: err, AttemptsLeft: -1, ResendsLeft: -1}}
		return explain(p)
	}
	sentence := regexp.MustCompile(`^That is not a valid (phone number|SMS code|PIN|new PIN|VIN): it (must|may) [^.]+\. Nothing was sent\.$`)
	values := map[enrollfsm.Prompt][]string{
		enrollfsm.PromptPhoneNumber:       {"06x2345678", "12345", "٠٦١٢٣٤٥٦٧٨"},
		enrollfsm.PromptCertificationCode: {"12", "12a4", "١٢٣٤"},
		enrollfsm.PromptEnrollmentCode:    {"123456789"},
		enrollfsm.PromptPIN:               {"12", "٨٦٤٢"},
		enrollfsm.PromptOldPIN:            {"abcd"},
		enrollfsm.PromptNewPIN:            {"", "123456789"},
	}
	for prompt, bad := range values {
		for _, v := range bad {
			in := steps.Inputs{}
			got := say(prompt, in.Keep(prompt, v))
			assert.Regexp(t, sentence, got, "%s %q", prompt, v)
			if v != "" {
				assert.NotContains(t, got, v)
			}
		}
	}
	same := steps.Inputs{OldPIN: mustPIN(t, "1234")}
	assert.Equal(t, "That is not a valid new PIN: it must differ from the current PIN. Nothing was sent.",
		say(enrollfsm.PromptNewPIN, same.Keep(enrollfsm.PromptNewPIN, "1234")))
	trusted := steps.Inputs{Trusted: "0612345678"}
	assert.Equal(t, "That is not a valid phone number: it must differ from the account's current number. Nothing was sent.",
		say(enrollfsm.PromptPhoneNumber, trusted.Keep(enrollfsm.PromptPhoneNumber, "06 12 34 56 78")))
	assert.Equal(t, "That is not a valid phone number: it may hold only digits, an optional leading +, spaces, dots and dashes. Nothing was sent.",
		say(enrollfsm.PromptPhoneNumber, (&steps.Inputs{}).Keep(enrollfsm.PromptPhoneNumber, "06x2345678")))

	// The VIN is a flag: its reasons end the demo's usage error.
	for _, v := range []string{"VIN", "VR1AB12C3D456789O", "VR1AB12C3D456789-"} {
		_, err := steps.NormalizeVIN(v)
		var ie *pimserr.InputError
		require.ErrorAs(t, err, &ie)
		walked[ie.Reason] = true
		_, _, errOut := runCLI(t, "", "demo", "-op", "remove_vehicle", "-vin", v)
		assert.Regexp(t, `^enroll demo: invalid VIN: (must|may) [^.]+\n`, errOut)
	}

	// Every reason the checks can give was walked.
	var all []string
	for _, file := range []string{"../../steps/validate.go", "../../steps/step.go"} {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, m := range regexp.MustCompile(`Reason: "([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
			all = append(all, m[1])
		}
	}
	require.NotEmpty(t, all)
	for _, r := range all {
		assert.True(t, walked[r], "reason %q is not walked through the demo's wording", r)
	}
}

func mustPIN(t *testing.T, s string) redact.Secret {
	t.Helper()
	p, err := steps.ParsePIN(s)
	require.NoError(t, err)
	return p
}

// Reference: issue 27, "there is no enroll version".
func TestVersion_PrintsTheReleaseModuleAndContract(t *testing.T) {
	file, err := os.ReadFile("../../VERSION")
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(file)), release)
	contract, err := os.ReadFile("../../docs/contract.md")
	require.NoError(t, err)
	assert.Contains(t, string(contract), "This is version 3 of the contract")
	assert.Equal(t, 3, contractVersion)

	for _, args := range [][]string{{"version"}, {"-version"}, {"--version"}} {
		code, out, errOut := runCLI(t, "", args...)
		assert.Equal(t, 0, code, errOut)
		assert.Regexp(t, `^enroll `+regexp.QuoteMeta(release)+`\nmodule \S+ .+\nbehaviour contract version 3\nbuilt with go\S+\n$`, out)
	}
	code, _, errOut := runCLI(t, "", "version", "extra")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "version takes no arguments")

	assert.Equal(t, "github.com/enrollfsm/enrollfsm v0.1.0", moduleVersion(&debug.BuildInfo{Main: debug.Module{Path: "github.com/enrollfsm/enrollfsm", Version: "v0.1.0"}}, true))
	assert.Equal(t, "github.com/enrollfsm/enrollfsm (devel), commit 8fa6291a1b2c (modified)", moduleVersion(&debug.BuildInfo{
		Main:     debug.Module{Path: "github.com/enrollfsm/enrollfsm", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "8fa6291a1b2c3d4e"}, {Key: "vcs.modified", Value: "true"}},
	}, true))
	assert.Equal(t, "unknown (built without module information)", moduleVersion(nil, false))
}

// Reference: issue 27, "check -out /nonexistent is accepted until a file
// must be written".
func TestCheck_OutMustBeAFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for _, out := range []string{filepath.Join(t.TempDir(), "missing"), file} {
		code, stdout, errOut := runCLI(t, "", "check", "-flow", "remove_vehicle", "-out", out)
		assert.Equal(t, 2, code)
		assert.Empty(t, stdout, "refused before exploring")
		assert.Contains(t, errOut, "enroll check: -out "+out+": not a folder (it must exist)")
	}
}

// Reference: issue 27, "check prints at most 1 calls, and its 97 of 108
// edges taken with exit 0 is explained only by the last line".
func TestCheck_WordsOfItsLines(t *testing.T) {
	code, out, _ := runCLI(t, "", "check", "-flow", "remove_vehicle", "-platform", "android", "-out", t.TempDir())
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "at most 1 call between waits")
	assert.NotContains(t, out, "1 calls")

	code, out, _ = runCLI(t, "", "check", "-flow", "shortcut", "-platform", "ios", "-out", t.TempDir())
	assert.Equal(t, 0, code, out)
	lines := strings.Split(out, "\n")
	seen := 0
	for i, line := range lines {
		m := regexp.MustCompile(`, (\d+) of (\d+) edges taken here,`).FindStringSubmatch(line)
		if m == nil {
			continue
		}
		seen++
		require.Less(t, i+1, len(lines))
		assert.Regexp(t, `^  \(\d+ edges? not taken in this setting: not a failure unless no setting takes (it|them), said at the end\)$`, lines[i+1])
	}
	assert.Positive(t, seen, "some setting takes part of its table:\n%s", out)
}

// Reference: issue 27, "the resume hint says go run ./cmd/enroll even from
// a built binary elsewhere".
func TestCommandName(t *testing.T) {
	for arg0, want := range map[string]string{
		"/tmp/go-build123456/b001/exe/enroll":  "go run ./cmd/enroll",
		"./enroll":                             "./enroll",
		"enroll":                               "enroll",
		"/usr/local/bin/enroll":                "/usr/local/bin/enroll",
		"/home/ann/my tools/enroll":            "'/home/ann/my tools/enroll'",
		"/opt/it's/enroll":                     `'/opt/it'\''s/enroll'`,
		"/home/ann/go-build-things/bin/enroll": "/home/ann/go-build-things/bin/enroll",
		"":                                     "enroll",
	} {
		assert.Equal(t, want, commandName(arg0), arg0)
	}
}

// Reference: issue 27, "a short glossary in docs/cli.md and the demo's help:
// PIMS, inWebo, the codes a user meets"; "-latency L waits between L/2 and
// L, but the help says latency per call".
func TestDemoHelp_HasTheGlossaryAndTheLatencyRange(t *testing.T) {
	_, out, _ := runCLI(t, "", "demo", "-h")
	page, err := os.ReadFile("../../docs/cli.md")
	require.NoError(t, err)
	for _, word := range []string{"PIMS", "inWebo", "certification code", "enrollment code", "2308", "2317", "2310", "2201", "2316"} {
		assert.Contains(t, out, word)
		assert.Regexp(t, `(?m)^\| [^|]*`+regexp.QuoteMeta(word)+`[^|]* \| `, string(page), "docs/cli.md's glossary has %s", word)
	}
	assert.Contains(t, out, strconv.Itoa(enrollfsm.DefaultLimits().PINAttempts)+" wrong ones end")
	assert.Contains(t, out, "-latency L\n    \tsimulated network latency: each call waits between L/2 and L,")
}
