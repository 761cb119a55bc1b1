package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
	"github.com/enrollfsm/enrollfsm/redact"
	"github.com/enrollfsm/enrollfsm/simulator"
	"github.com/enrollfsm/enrollfsm/steps"
)

var questions = map[enrollfsm.Prompt]string{
	enrollfsm.PromptPhoneNumber:       "Phone number to register",
	enrollfsm.PromptCertificationCode: "Code texted to the new number",
	enrollfsm.PromptEnrollmentCode:    "Enrollment code texted to your phone",
	enrollfsm.PromptPIN:               "Your PIN",
	enrollfsm.PromptNewPIN:            "Choose a new PIN (4 to 8 digits)",
	enrollfsm.PromptOldPIN:            "Your current PIN",
	enrollfsm.PromptConfirmRemoval:    "Remove every enrollment?",
	enrollfsm.PromptRetry:             "Try the call again?",
}

// sentTo replaces a code prompt's question when the number is known.
var sentTo = map[enrollfsm.Prompt]string{
	enrollfsm.PromptCertificationCode: "Code texted to ",
	enrollfsm.PromptEnrollmentCode:    "Enrollment code texted to ",
}

// person asks on the terminal, or reads answers from a pipe with
// -interactive yes.
type person struct {
	in      *lineReader
	out     io.Writer
	sim     *simulator.Simulator
	confirm bool // ask a new PIN twice
}

func (h *person) Answer(ctx context.Context, p enrollfsm.Pending) (enrollfsm.Answer, error) {
	if why := explain(p); why != "" {
		fmt.Fprint(h.out, wrap(why, "  ! ", "    ", 80))
	}
	if pin := h.sim.Account().PIN; pin != "" && (p.Prompt == enrollfsm.PromptPIN || p.Prompt == enrollfsm.PromptOldPIN) {
		fmt.Fprintf(h.out, "    [simulated account] its PIN is %s\n", pin)
	}
	_, takesValue := p.Prompt.ValueEvent()
	secret := p.Prompt.IsPIN()
	masked := secret || p.Prompt.IsCode()
	for {
		q := question(p, secret && h.in.hides())
		if now := h.sim.Account().Phone; p.Prompt == enrollfsm.PromptPhoneNumber && now != "" {
			q = strings.Replace(q, questions[p.Prompt], "New phone number (now "+redact.Phone(now)+")", 1)
		}
		line, err := h.ask(ctx, q, secret, masked)
		switch {
		case errors.Is(err, errLineTooLong):
			fmt.Fprintln(h.out, "  ! That line is over 64 KiB; nothing was sent. Type the answer again.")
			continue
		case errors.Is(err, io.EOF):
			fmt.Fprintln(h.out, "\n  (end of input: cancelling)")
			return enrollfsm.Act(p.Prompt, enrollfsm.ActionCancel), nil
		case err != nil:
			fmt.Fprintln(h.out) // after the ^C the terminal echoed
			return enrollfsm.Answer{}, err
		}
		if p.Prompt == enrollfsm.PromptRetry {
			// "Try the call again?" is a question: yes and no answer it.
			switch strings.ToLower(line) {
			case "yes", "y":
				line = string(enrollfsm.ActionRetry)
			case "no", "n":
				line = string(enrollfsm.ActionCancel)
			}
		}
		if a, ok := matchAction(line, p.Actions); ok {
			return enrollfsm.Act(p.Prompt, a), nil
		}
		if some := startsOf(line, p.Actions); len(some) > 1 {
			fmt.Fprintf(h.out, "  ! %q could be %s: type more of it.\n", line, orList(some))
			continue
		}
		if a, ok := matchAction(line, allActions); ok && strings.EqualFold(line, string(a)) {
			// An action this prompt does not offer (now): say so, send nothing.
			if a == enrollfsm.ActionResend || a == enrollfsm.ActionChangePhone {
				fmt.Fprintf(h.out, "  ! No new code can be sent in this run. Type %s.\n", choices(p, takesValue))
			} else {
				fmt.Fprintf(h.out, "  ! %s is not possible here. Type %s.\n", a, choices(p, takesValue))
			}
			continue
		}
		if !takesValue || line == "" {
			fmt.Fprintf(h.out, "  ! Type %s.\n", choices(p, takesValue))
			continue
		}
		if _, err := steps.ParsePIN(line); err == nil && p.Prompt == enrollfsm.PromptNewPIN && h.confirm {
			// A malformed PIN goes to the engine at once, which says why.
			again, err := h.ask(ctx, "  ? Type the new PIN again: ", true, true)
			if err != nil && !errors.Is(err, errLineTooLong) && !errors.Is(err, io.EOF) {
				fmt.Fprintln(h.out)
				return enrollfsm.Answer{}, err
			}
			if err != nil || again != line {
				fmt.Fprintln(h.out, "  ! The two PINs differ; nothing was sent. Choose the new PIN again.")
				continue
			}
		}
		return enrollfsm.Value(p.Prompt, line), nil
	}
}

// matchAction finds the action line names, in any case: its name, or the
// start of one name only ("y" for yes, "re" for resend).
func matchAction(line string, actions []enrollfsm.Action) (enrollfsm.Action, bool) {
	var found []enrollfsm.Action
	for _, a := range actions {
		switch {
		case strings.EqualFold(line, string(a)):
			return a, true
		case line != "" && len(line) < len(a) && strings.EqualFold(line, string(a)[:len(line)]):
			found = append(found, a)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return "", false
}

// startsOf lists the actions whose name starts with line, in any case.
func startsOf(line string, actions []enrollfsm.Action) []string {
	var out []string
	for _, a := range actions {
		if line != "" && len(line) <= len(a) && strings.EqualFold(line, string(a)[:len(line)]) {
			out = append(out, string(a))
		}
	}
	return out
}

// allActions are every prompt's actions.
var allActions = []enrollfsm.Action{
	enrollfsm.ActionCancel, enrollfsm.ActionResend, enrollfsm.ActionChangePhone, enrollfsm.ActionForgotPIN,
	enrollfsm.ActionRetry, enrollfsm.ActionYes, enrollfsm.ActionNo,
}

// ask prints q and reads one line, without echo for a secret on a terminal.
// Read from a pipe, the line is shown after q; when masked, a line with a
// digit of any script (a PIN or a code, never an action) shows as the mask.
func (h *person) ask(ctx context.Context, q string, secret, masked bool) (string, error) {
	line, err := h.in.read(ctx, secret, func() { fmt.Fprint(h.out, q) })
	line = strings.TrimSpace(line)
	switch {
	case err != nil:
	case h.in.tty == nil:
		// Read from a pipe: show the answer as a terminal would have,
		// a secret masked.
		if masked && strings.IndexFunc(line, unicode.IsNumber) >= 0 {
			fmt.Fprintln(h.out, redact.Mask)
		} else {
			fmt.Fprintln(h.out, line)
		}
	case secret && h.in.hides():
		fmt.Fprintln(h.out) // the Enter typed was not echoed either
	}
	return line, err
}

func question(p enrollfsm.Pending, hidden bool) string {
	q := questions[p.Prompt]
	if q == "" {
		q = string(p.Prompt)
	}
	if p.SentTo != "" && sentTo[p.Prompt] != "" {
		q = sentTo[p.Prompt] + p.SentTo
	}
	if p.Prompt.IsCode() && !offers(p, enrollfsm.ActionResend) {
		q += " (no new code can be sent)"
	}
	if hidden {
		q += " (not shown as you type)"
	}
	acts := make([]string, len(p.Actions))
	for i, a := range p.Actions {
		acts[i] = string(a)
	}
	return fmt.Sprintf("  ? %s [%s]: ", q, strings.Join(acts, ", "))
}

// choices says what the prompt accepts: "the PIN, or one of forgot_pin or
// cancel".
func choices(p enrollfsm.Pending, takesValue bool) string {
	acts := make([]string, len(p.Actions))
	for i, a := range p.Actions {
		acts[i] = string(a)
	}
	if !takesValue {
		return orList(acts)
	}
	what := map[enrollfsm.Prompt]string{
		enrollfsm.PromptPhoneNumber: "a phone number", enrollfsm.PromptPIN: "your PIN",
		enrollfsm.PromptOldPIN: "your current PIN", enrollfsm.PromptNewPIN: "a new PIN",
	}[p.Prompt]
	if what == "" {
		what = "the code"
	}
	return what + ", or an action: " + orList(acts)
}

// explain says in plain words why a prompt is asked again, and what is left:
// "That code is not right — 2 tries left, or type resend for a new one".
// The confirm_removal prompt always gets its why.
func explain(p enrollfsm.Pending) string {
	if p.Prompt == enrollfsm.PromptConfirmRemoval {
		return blockedWhy(p.Reason) + " Removing every enrollment unblocks it, but signs your other devices out."
	}
	if p.Reason == nil {
		return ""
	}
	pe := &pimserr.PromptError{Err: p.Reason, AttemptsLeft: -1, ResendsLeft: -1}
	errors.As(p.Reason, &pe)
	cause := pe.Err
	var (
		input *pimserr.InputError
		step  *pimserr.StepError
	)
	switch {
	case errors.As(cause, &input):
		return "That is not a valid " + input.Field + ": it " + input.Reason + ". Nothing was sent."
	case errors.Is(cause, pimserr.ErrAskedAgain):
		return "The app was restarted, and it keeps no PIN or code: type it again."
	case errors.Is(cause, pimserr.ErrCodeLocked):
		return "That code is locked after too many wrong tries" + resendHint(p, pe, " — ")
	case errors.Is(cause, pimserr.ErrCodeExpired):
		return "That code has expired (codes last 10 minutes)" + resendHint(p, pe, " — ")
	case errors.Is(cause, pimserr.ErrResendLimit):
		return "No more codes can be sent in this run" + triesLeft(pe, " — ") + "."
	case errors.Is(cause, pimserr.ErrNotAllowed):
		return "That is not possible here. Type " + choices(p, hasValue(p)) + "."
	case pimserr.IsRejected(cause):
		return rejected(p, pe)
	case p.Prompt == enrollfsm.PromptRetry && errors.As(cause, &step):
		return "The call failed: " + callFailure(step.Err) + "."
	}
	return capitalize(cause.Error())
}

func hasValue(p enrollfsm.Pending) bool {
	_, ok := p.Prompt.ValueEvent()
	return ok
}

// rejected says that the server refused the answer (2308, 2102).
func rejected(p enrollfsm.Pending, pe *pimserr.PromptError) string {
	var s string
	switch p.Prompt {
	case enrollfsm.PromptCertificationCode, enrollfsm.PromptEnrollmentCode:
		s = "That code is not right"
	case enrollfsm.PromptPIN:
		s = "That PIN is not right"
	case enrollfsm.PromptOldPIN:
		s = "That is not your current PIN"
	case enrollfsm.PromptNewPIN:
		s = "The server refused that PIN; choose another"
		var step *pimserr.StepError
		if errors.As(pe.Err, &step) && step.Step == "B" {
			// Step B carries the code too, which no earlier call checked.
			s = "The server refused the reset: the code or the PIN is not right (cancel to start again with a new code)"
		}
	case enrollfsm.PromptPhoneNumber:
		s = "The server refused that number; check it"
	default:
		s = "The server refused that answer"
	}
	if pe.AttemptsLeft == 0 && p.Prompt.IsCode() {
		return s + resendHint(p, pe, " — it is locked now; ")
	}
	s += triesLeft(pe, " — ")
	if p.Prompt.IsPIN() && pe.AttemptsLeft == 1 {
		s += " (a wrong one ends the run)"
	}
	if p.Prompt.IsCode() && pe.ResendsLeft > 0 && offers(p, enrollfsm.ActionResend) {
		s += ", or type resend for a new one"
	}
	if offers(p, enrollfsm.ActionForgotPIN) {
		s += ", or type forgot_pin for a new one"
	}
	return s + "."
}

func offers(p enrollfsm.Pending, a enrollfsm.Action) bool {
	for _, x := range p.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// triesLeft: " — 2 tries left", or "" where tries are not counted.
func triesLeft(pe *pimserr.PromptError, sep string) string {
	switch {
	case pe.AttemptsLeft < 0:
		return ""
	case pe.AttemptsLeft == 1:
		return sep + "1 try left"
	default:
		return fmt.Sprintf("%s%d tries left", sep, pe.AttemptsLeft)
	}
}

// resendHint ends a sentence about a code that can no longer be used.
func resendHint(p enrollfsm.Pending, pe *pimserr.PromptError, sep string) string {
	if offers(p, enrollfsm.ActionResend) && pe.ResendsLeft != 0 {
		return sep + "type resend for a new one."
	}
	return sep + "no new code can be sent in this run; type cancel."
}

// blockedWhy says why the account must be unblocked: the code that blocked
// it, or the state call 2 reported.
func blockedWhy(reason error) string {
	var code *pimserr.Error
	errors.As(reason, &code)
	switch {
	case code == nil:
		return "Your account is blocked: too many devices are enrolled, or the PIN is locked."
	case strings.Contains(code.Label, simulator.PINBlocked):
		return "Your PIN is blocked after too many wrong tries."
	case code.Code == pimserr.CodeForbidden:
		return "The server refused this device (2317): the account is blocked, or has too many devices."
	case strings.Contains(code.Label, simulator.AccountBlocked):
		return "Your account is blocked: it may have reached its limit of enrolled devices."
	}
	return fmt.Sprintf("Your account is blocked (%d: %s).", int(code.Code), code.Label)
}

// callFailure names a failed call's cause in words.
func callFailure(err error) string {
	var code *pimserr.Error
	if errors.As(err, &code) {
		return fmt.Sprintf("%s (%d)", code.Code.Label(), int(code.Code))
	}
	var bridge *pimserr.BridgeError
	if errors.As(err, &bridge) {
		return "no reply came back"
	}
	return err.Error()
}

// wrap fills text into lines of at most width columns, the first starting
// with first, the others with rest.
func wrap(text, first, rest string, width int) string {
	var b strings.Builder
	line := first
	fresh := true
	for _, word := range strings.Fields(text) {
		if !fresh && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			b.WriteString(line + "\n")
			line, fresh = rest, true
		}
		if !fresh {
			line += " "
		}
		line += word
		fresh = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// maxLine bounds an answer: a longer line is refused, not sent.
const maxLine = 64 << 10

var errLineTooLong = errors.New("line too long")

// lineReader reads the person's answers one line at a time. A read runs in
// its own goroutine, so that Ctrl-C ends a prompt at once.
type lineReader struct {
	r       *bufio.Reader
	tty     *os.File // stdin, when it is a terminal
	hide    bool     // stty can turn the terminal's echo off for a PIN
	pending chan lineResult
}

type lineResult struct {
	line string
	err  error
}

func newLineReader(in io.Reader) *lineReader {
	l := &lineReader{r: bufio.NewReader(in)}
	if f, ok := in.(*os.File); ok && isTerminal(f) {
		l.tty = f
		probe := exec.Command("stty", "-g")
		probe.Stdin = f
		l.hide = probe.Run() == nil
	}
	return l
}

// hides reports whether secrets are read without echo.
func (l *lineReader) hides() bool { return l.hide }

// read asks (with ask) and reads one line; for a secret on a terminal,
// echo is off before the question shows, so that nothing typed is echoed.
func (l *lineReader) read(ctx context.Context, secret bool, ask func()) (string, error) {
	if secret && l.hide {
		if restore, err := noEcho(l.tty); err == nil {
			defer restore()
		}
	}
	ask()
	if l.pending == nil {
		// A read cut short by ctx is still waited for, never doubled.
		ch := make(chan lineResult, 1)
		go func() {
			line, err := readLine(l.r)
			ch <- lineResult{line, err}
		}()
		l.pending = ch
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-l.pending:
		l.pending = nil
		return r.line, r.err
	}
}

// readLine reads up to a newline; a line over maxLine is read to its end and
// refused with errLineTooLong. A last line without a newline counts.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			buf = append(buf, chunk...)
			if len(bytes.TrimRight(buf, "\r\n")) > maxLine {
				tooLong, buf = true, nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !(errors.Is(err, io.EOF) && (len(buf) > 0 || tooLong)) {
			return "", err
		}
		if tooLong {
			return "", errLineTooLong
		}
		return string(bytes.TrimRight(buf, "\r\n")), nil
	}
}

// noEcho turns the terminal's echo off with stty, and returns what turns
// it back on.
func noEcho(tty *os.File) (func(), error) {
	get := exec.Command("stty", "-g")
	get.Stdin = tty
	saved, err := get.Output()
	if err != nil {
		return nil, err
	}
	off := exec.Command("stty", "-echo")
	off.Stdin = tty
	if err := off.Run(); err != nil {
		return nil, err
	}
	return func() {
		on := exec.Command("stty", strings.TrimSpace(string(saved)))
		on.Stdin = tty
		_ = on.Run()
	}, nil
}

// isTerminal is a character device other than the null device: enough to
// tell a person from a pipe or a file without a terminal library.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	// /dev/null and /dev/zero are character devices too, but no terminal.
	return isTTY(f)
}
