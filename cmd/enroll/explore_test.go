package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/enrollfsm/enrollfsm/explore"
)

// A walk downloaded from the explorer is a scenario that `enroll replay`
// passes: a full enrollment and a 2317-then-removal path, clicked through
// the explorer's JSON API as its page does.
func TestExplore_DownloadedWalkPassesReplay(t *testing.T) {
	srv := httptest.NewServer(explore.New().Handler())
	t.Cleanup(srv.Close)
	walks := map[string][]map[string]any{
		"full": {
			{"reply": "result:not_activated"}, {"reply": "result:not_blocked"}, {"reply": "result:phone_absent"},
			{"prompt": "phone_number", "value": "06 12 34 56 78"}, {"reply": "result:ok"},
			{"prompt": "certification_code", "value": "4242"}, {"reply": "result:ok"}, {"reply": "result:ok"},
			{"prompt": "enrollment_code", "value": "2424"}, {"reply": "result:not_enrolled"},
			{"prompt": "new_pin", "value": "1357"}, {"reply": "result:ok"}, {"reply": "code:2316"},
		},
		"removal": {
			{"reply": "result:not_activated"}, {"reply": "result:not_blocked"}, {"reply": "result:phone_present"},
			{"reply": "result:ok"}, {"prompt": "enrollment_code", "value": "2424"}, {"reply": "result:already_enrolled"},
			{"prompt": "pin", "value": "1234"}, {"reply": "code:2317"}, {"prompt": "confirm_removal", "action": "yes"},
			{"reply": "result:ok"}, {"reply": "simulator"}, {"reply": "simulator"},
		},
	}
	dir := t.TempDir()
	for name, moves := range walks {
		v := postJSON(t, srv.URL+"/s", map[string]any{"flow": "full", "situation": "pin_exists"}, http.StatusCreated)
		id := v.Session
		for i, m := range moves {
			m["step"] = i
			v = postJSON(t, srv.URL+"/s/"+id+"/move", m, http.StatusOK)
		}
		if name == "removal" {
			// the simulator texted a code: type it
			require.Equal(t, "awaiting_enrollment_code", v.State)
			require.NotEmpty(t, v.SMS)
			n := len(moves)
			for i, m := range []map[string]any{
				{"prompt": "enrollment_code", "value": v.SMS[len(v.SMS)-1].Code}, {"reply": "simulator"},
				{"prompt": "pin", "value": "1234"}, {"reply": "simulator"},
			} {
				m["step"] = n + i
				v = postJSON(t, srv.URL+"/s/"+id+"/move", m, http.StatusOK)
			}
			assert.Equal(t, 1, v.Counters.Removals)
		}
		require.Equal(t, "enrolled", v.State, name)

		res, err := http.Get(srv.URL + "/s/" + id + "/scenario")
		require.NoError(t, err)
		data, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", data)
		file := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(file, data, 0o644))

		code, out, errOut := runCLI(t, "", "replay", file)
		assert.Equal(t, 0, code, "%s: %s%s", name, out, errOut)
		assert.Contains(t, out, "1 passed, 0 failed")
	}
}

func postJSON(t *testing.T, url string, body map[string]any, want int) explore.View {
	t.Helper()
	data, err := json.Marshal(body)
	require.NoError(t, err)
	res, err := http.Post(url, "application/json", strings.NewReader(string(data)))
	require.NoError(t, err)
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, want, res.StatusCode, "%v: %s", body, out)
	var v explore.View
	require.NoError(t, json.Unmarshal(out, &v))
	return v
}

// explore prints its URL, on loopback, serves the first page there, and
// stops when its context ends.
func TestExplore_PrintsItsURLAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"explore", "-addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errOut)
	}()
	urlRe := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var url string
	require.Eventually(t, func() bool { url = urlRe.FindString(out.String()); return url != "" }, 10*time.Second, 10*time.Millisecond, "no URL printed: %s", errOut.String())

	res, err := http.Get(url)
	require.NoError(t, err)
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, string(page), ">checking_enrollment</a>")

	// Reference: issue 23, "the explorer accepts a DNS-rebinding Host/Origin
	// pair": a name pointed at 127.0.0.1 by another site is refused.
	port := url[strings.LastIndex(url, ":")+1 : len(url)-1]
	for _, h := range []struct {
		host, origin string
		want         int
	}{
		{"evil.example:" + port, "", http.StatusForbidden},
		{"evil.example:" + port, "http://evil.example:" + port, http.StatusForbidden},
		{"127.0.0.1:" + port, "http://evil.example:" + port, http.StatusForbidden},
		{"localhost:" + port, "", http.StatusOK},
		{"127.0.0.1:" + port, "http://127.0.0.1:" + port, http.StatusOK},
	} {
		req, err := http.NewRequest("POST", url+"s", strings.NewReader(`{"flow":"full"}`))
		require.NoError(t, err)
		req.Host = h.host
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		if h.origin != "" {
			req.Header.Set("Origin", h.origin)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want := h.want
		if want == http.StatusOK {
			want = http.StatusCreated
		}
		assert.Equal(t, want, res.StatusCode, "Host %s, Origin %q: %s", h.host, h.origin, body)
		if want == http.StatusForbidden {
			assert.Contains(t, string(body), "this server answers only for its own address")
		}
	}

	cancel()
	select {
	case code := <-exit:
		assert.Equal(t, 0, code, errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("explore did not stop with its context")
	}
}

func TestExplore_UsageErrors(t *testing.T) {
	code, _, errOut := runCLI(t, "", "explore", "now")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no arguments")
	code, _, errOut = runCLI(t, "", "explore", "-addr", "127.0.0.1:notaport")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "enroll explore:")
	code, out, _ := runCLI(t, "", "explore", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "-addr")
}
