package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildEnroll builds the command into a temporary folder, once per test.
func buildEnroll(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("os.Interrupt cannot be sent to a process on Windows")
	}
	bin := filepath.Join(t.TempDir(), "enroll")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// lockedBuffer is the output of a running process, read while it grows.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// interrupt starts bin with args and a pipe as stdin that stays open,
// waits until its output holds ready, sends os.Interrupt, and returns the
// exit code, the output, and how long the process took to end.
func interrupt(t *testing.T, bin, ready string, args ...string) (int, string, time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close()
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), ready) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("never printed %q:\n%s", ready, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	sent := time.Now()
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running 10s after Ctrl-C:\n%s", out.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), time.Since(sent)
}

// Ctrl-C ends the demo at once with exit 130: at a prompt, during a call,
// and when it answers by itself; with -save it saves first, and the saved
// run resumes.
func TestDemo_CtrlCEndsTheDemo(t *testing.T) {
	bin := buildEnroll(t)

	t.Run("at a prompt", func(t *testing.T) {
		code, out, took := interrupt(t, bin, "? Phone number to register [cancel]: ", "demo", "-interactive", "yes")
		assert.Equal(t, 130, code, out)
		assert.Contains(t, out, "stopped by Ctrl-C at awaiting_phone_number.")
		assert.NotContains(t, out, "outcome:")
		assert.Less(t, took, 2*time.Second)
	})

	t.Run("during a call", func(t *testing.T) {
		code, out, took := interrupt(t, bin, "start → checking_enrollment", "demo", "-interactive", "yes", "-latency", "1m")
		assert.Equal(t, 130, code, out)
		assert.Regexp(t, `step 1: get pims.authentication.account\{actionType=strong\s+type=isDeviceActivated\} → stopped`, out)
		assert.Contains(t, out, "stopped by Ctrl-C at interrupted.")
		assert.NotContains(t, out, "Try again?", "no retry prompt once the user stopped")
		assert.Less(t, took, 2*time.Second)
	})

	t.Run("answering by itself", func(t *testing.T) {
		code, out, _ := interrupt(t, bin, "start → checking_enrollment", "demo", "-interactive", "no", "-latency", "1m")
		assert.Equal(t, 130, code, out)
		assert.Equal(t, 1, strings.Count(out, "→ stopped"), "one call stopped, none retried:\n%s", out)
		assert.NotContains(t, out, "? retry")
	})

	t.Run("with -save, then -resume", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "run.json")
		code, out, _ := interrupt(t, bin, "? Phone number to register [cancel]: ", "demo", "-interactive", "yes", "-save", file)
		assert.Equal(t, 130, code, out)
		assert.Contains(t, out, "saved at awaiting_phone_number to "+file)
		require.FileExists(t, file)
		// Reference: issue 27, "the resume hint says go run ./cmd/enroll even
		// from a built binary elsewhere".
		assert.Contains(t, out, "\n  "+bin+" demo -resume "+file+"\n")

		resume := exec.Command(bin, "demo", "-resume", file)
		resume.Stdin = strings.NewReader("")
		got, err := resume.CombinedOutput()
		require.NoError(t, err, string(got))
		assert.Contains(t, string(got), "resumed shortcut on android at awaiting_phone_number")
		assert.Contains(t, string(got), "outcome: enrolled")
	})
}

// On a terminal, a PIN is not shown as it is typed. script(1) gives the
// demo a terminal; each answer is written once the prompt is out (echo is
// off by then), so that the terminal's echo, if on, would show it.
func TestDemo_PINNotEchoedOnATerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) is needed to give the demo a terminal")
	}
	bin := buildEnroll(t)
	cmd := exec.Command("script", "-qefc", bin+" demo -op update_pin", os.DevNull)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close()
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	answer := func(after, line string) {
		deadline := time.Now().Add(20 * time.Second)
		for strings.Count(out.String(), after) == 0 {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("never printed %q:\n%s", after, out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		_, err := io.WriteString(stdin, line+"\n")
		require.NoError(t, err)
	}
	answer("Your current PIN (not shown as you type) [cancel]: ", "1234")
	answer("Choose a new PIN (4 to 8 digits) (not shown as you type) [cancel]: ", "9876")
	answer("Type the new PIN again: ", "9876")
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running:\n%s", out.String())
	}
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "outcome: done")
	assert.NotContains(t, out.String(), "9876", "the new PIN is not echoed")
	assert.Equal(t, 1, strings.Count(out.String(), "1234"), "the PIN shows once, as the simulated account's hint:\n%s", out.String())
}
