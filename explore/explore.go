// Package explore serves the explorer: a local web page on which a person
// walks an enrollment flow or an account operation step by step. At a call
// they choose what the backend answers (each result the step reads, each
// documented code, a bridge error, a malformed reply, or what the built-in
// simulator answers); at a prompt they type what the user types, and at a
// code prompt they may let the code expire. The page
// shows the flow's diagram with the current state marked, the exact request
// (a PIN or an SMS code masked) and the same call in Kotlin and Swift, the
// counters, the warnings and the outcome, and keeps a history to step back
// through and to download as a scenario file that `enroll replay` passes.
//
// The page drives the real engine (enrollfsm.New, Next, Deliver, Answer)
// and the tables everything else uses, on the server, in Go; the HTML is
// rendered there too, so the page works without JavaScript, and the
// embedded script only saves reloads.
package explore

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/enrollfsm/enrollfsm"
	"github.com/enrollfsm/enrollfsm/docs"
	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/fsm"
	"github.com/enrollfsm/enrollfsm/internal/jsonkeys"
	"github.com/enrollfsm/enrollfsm/simulator"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"join": strings.Join,
}).ParseFS(assets, "assets/page.html"))

// Defaults for New.
const (
	DefaultMaxSessions = 64
	DefaultIdle        = 30 * time.Minute
	// maxBody bounds a request's body: a move is a few dozen bytes.
	maxBody = 16 << 10
	// maxMoves bounds a walk, so that a session's replay stays cheap.
	maxMoves = 500
)

// Option configures a Server.
type Option func(*Server)

// WithMaxSessions bounds the walks kept in memory; starting one more drops
// the one idle longest.
func WithMaxSessions(n int) Option {
	return func(s *Server) {
		if n > 0 {
			s.max = n
		}
	}
}

// WithIdle drops a walk after d without a request.
func WithIdle(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.idle = d
		}
	}
}

// WithNow sets the server's clock, for the idle expiry.
func WithNow(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithAddr names the address the server listens on (host:port, as
// net.Listener.Addr gives it). A request is then served only when its Host,
// and its Origin if it has one, is that address, localhost or an IP literal
// on its port: a page of another site whose name was pointed at this
// machine (DNS rebinding) is refused. enroll explore gives it its listener's
// address; without it, every Host is served.
func WithAddr(addr string) Option {
	return func(s *Server) {
		if _, port, err := net.SplitHostPort(addr); err == nil {
			s.addr, s.port = addr, port
		}
	}
}

// WithLogger logs each refused request (no value a user typed).
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) {
		if l != nil {
			s.log = l
		}
	}
}

// Server holds the walks in memory. It is safe for concurrent use.
type Server struct {
	mu       sync.Mutex
	sessions map[string]*session
	max      int
	idle     time.Duration
	now      func() time.Time
	log      *slog.Logger
	mux      *http.ServeMux
	// addr and port: the listening address, when WithAddr gave it.
	addr, port string
}

type session struct {
	mu   sync.Mutex
	id   string
	run  *run
	used time.Time
}

// New returns a server; Handler serves it.
func New(opts ...Option) *Server {
	s := &Server{
		sessions: map[string]*session{}, max: DefaultMaxSessions, idle: DefaultIdle,
		now: time.Now, log: slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.start)
	mux.HandleFunc("POST /s", s.create)
	mux.HandleFunc("GET /s/{id}", s.show)
	mux.HandleFunc("GET /s/{id}/view", s.showJSON)
	mux.HandleFunc("POST /s/{id}/move", s.move)
	mux.HandleFunc("POST /s/{id}/back", s.back)
	mux.HandleFunc("GET /s/{id}/scenario", s.scenario)
	mux.HandleFunc("GET /docs/{file}", s.docs)
	mux.HandleFunc("GET /docs/export/{file}", s.docs)
	mux.Handle("GET /assets/", http.FileServerFS(assets))
	s.mux = mux
	return s
}

// Handler returns the HTTP handler of the explorer.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			// A bug must not take the page down; the walk is left as it was.
			if v := recover(); v != nil {
				s.log.Error("explore: panic", "path", r.URL.Path, "panic", fmt.Sprint(v))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		if err := s.checkHost(r); err != nil {
			s.fail(w, r, err)
			return
		}
		// Another site's page may not post here, nor start walks (a GET of
		// / makes one) that would push the user's own out of the store.
		if r.Method == http.MethodPost && !sameOrigin(r) || r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			s.fail(w, r, errForeign)
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// maxValue bounds a typed value: the longest valid answer (a phone number
// with spaces) is far shorter, and a walk keeps every value it was given.
const maxValue = 64

// errForeign is a request from a page of another site: a form or an image on
// any web page can reach a local server, so such requests are refused.
var errForeign = errors.New("a request from another site's page is refused")

// sameOrigin: browsers send Origin with every POST; tools such as curl send
// none, and are let through.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// errOtherHost is a request for a name other than the server's own: a page
// whose name now points at this machine (DNS rebinding) would read and
// drive the walks as if it were the same site.
var errOtherHost = errors.New("this server answers only for its own address")

// checkHost refuses a request whose Host or Origin is not the server's own
// address (see WithAddr).
func (s *Server) checkHost(r *http.Request) error {
	if s.addr == "" {
		return nil
	}
	if !s.ownHost(r.Host) {
		return fmt.Errorf("%w (%s), not for %q: open http://%s/", errOtherHost, s.addr, r.Host, s.addr)
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || !s.ownHost(u.Host) {
			return fmt.Errorf("%w (%s), not for a page of %q", errOtherHost, s.addr, origin)
		}
	}
	return nil
}

// ownHost: the listening address itself, or localhost or an IP literal on
// its port. A name other than the one listened on is refused, since no one
// but this machine's owner can make an IP literal or localhost point here.
func (s *Server) ownHost(hostport string) bool {
	if strings.EqualFold(hostport, s.addr) {
		return true
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || port != s.port {
		return false
	}
	return strings.EqualFold(host, "localhost") || net.ParseIP(host) != nil
}

// Sessions returns the number of walks held.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// add keeps a new walk, dropping the expired ones and, when full, the one
// idle longest.
func (s *Server) add(r *run) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.expire(now)
	for len(s.sessions) >= s.max {
		var oldest *session
		for _, se := range s.sessions {
			if oldest == nil || se.used.Before(oldest.used) {
				oldest = se
			}
		}
		delete(s.sessions, oldest.id)
	}
	se := &session{id: newID(), run: r, used: now}
	s.sessions[se.id] = se
	return se
}

func (s *Server) expire(now time.Time) {
	for id, se := range s.sessions {
		if now.Sub(se.used) > s.idle {
			delete(s.sessions, id)
		}
	}
}

// errStale is a session that is unknown, expired or dropped.
var errStale = errors.New("no such session: it expired or was never started; start a new walk")

// get returns the walk named by the request, locked; the caller unlocks.
func (s *Server) get(r *http.Request) (*session, error) {
	id := r.PathValue("id")
	s.mu.Lock()
	now := s.now()
	s.expire(now)
	se, ok := s.sessions[id]
	if ok {
		se.used = now
	}
	s.mu.Unlock()
	if !ok {
		return nil, errStale
	}
	se.mu.Lock()
	return se, nil
}

// status maps an error to the HTTP status that says whose mistake it is.
func status(err error) int {
	switch {
	case errors.Is(err, errForeign), errors.Is(err, errOtherHost):
		return http.StatusForbidden
	case errors.Is(err, errStale):
		return http.StatusNotFound
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrBadInput), errors.Is(err, errDecode):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

var (
	errDecode   = errors.New("malformed request")
	errTooLarge = errors.New("request too large")
)

// wantsJSON: the JSON API is used by the page's script and by tests; a form
// without script gets HTML and redirects.
func wantsJSON(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/json" || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// decode reads a move, a step back or a configuration from a JSON body or a
// form. Unknown JSON fields are refused, as scenario files refuse them.
func decode(r *http.Request, into any, form func(get func(string) string) error) error {
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		data, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		if err != nil {
			return fmt.Errorf("%w: %v", errDecode, err)
		}
		// A key given twice would be read as its last value only.
		if err := jsonkeys.Unique(data); errors.Is(err, jsonkeys.ErrDuplicate) {
			return fmt.Errorf("%w: %v", errDecode, err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(into); err != nil {
			return fmt.Errorf("%w: %v", errDecode, err)
		}
		if dec.More() {
			return fmt.Errorf("%w: trailing data after the JSON object", errDecode)
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return fmt.Errorf("%w: %v", errDecode, err)
	}
	return form(r.PostForm.Get)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	s.log.Info("explore: refused", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	var stale *staleError
	errors.As(err, &stale)
	if wantsJSON(r) {
		body := map[string]any{"error": err.Error()}
		if stale != nil {
			body["stale"], body["step"] = true, stale.at
		}
		writeJSON(w, code, body)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_ = page.ExecuteTemplate(w, "error", map[string]any{"Status": code, "Error": err.Error(), "Stale": stale})
}

// staleError is a move or a step back made from a page that no longer shows
// the walk as it is: another tab moved it, or a click was doubled.
type staleError struct {
	session   string
	shown, at int // the step the page showed, the walk's own
}

func (e *staleError) Error() string {
	return fmt.Sprintf("this page is out of date: it shows move %d, but the walk is at move %d (it was moved in another tab or window); nothing was changed", e.shown, e.at)
}

// Is matches ErrConflict: a stale move is answered 409.
func (e *staleError) Is(target error) bool { return target == ErrConflict }

// Session, Shown and At are read by the error page.
func (e *staleError) Session() string { return e.session }
func (e *staleError) Shown() int      { return e.shown }
func (e *staleError) At() int         { return e.at }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// configFrom reads a configuration from a query or a form.
func configFrom(get func(string) string) Config {
	return Config{
		Flow: get("flow"), Platform: get("platform"), SDKVersion: get("sdkVersion"),
		AutoRemove: get("autoRemove") == "on" || get("autoRemove") == "true",
		Situation:  get("situation"), VIN: get("vin"),
	}
}

// start begins a walk with the query's configuration (defaults: the full
// flow, Android, SDK 2.1.0, a new account) and shows its first state.
func (s *Server) start(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rn, err := newRun(configFrom(q.Get))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	se := s.add(rn)
	http.Redirect(w, r, "/s/"+se.id, http.StatusSeeOther)
}

// create begins a walk from a JSON configuration (or a form).
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var cfg Config
	if err := decode(r, &cfg, func(get func(string) string) error { cfg = configFrom(get); return nil }); err != nil {
		s.fail(w, r, err)
		return
	}
	rn, err := newRun(cfg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	se := s.add(rn)
	if !wantsJSON(r) {
		http.Redirect(w, r, "/s/"+se.id, http.StatusSeeOther)
		return
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	writeJSON(w, http.StatusCreated, s.viewOf(se))
}

func (s *Server) viewOf(se *session) View {
	svg, _ := fs.ReadFile(docs.Files, string(se.run.e.Flow())+".svg")
	v := se.run.view(se.id, svg)
	v.Options = formOptions()
	return v
}

func formOptions() map[string][]string {
	o := map[string][]string{"platform": {string(enrollfsm.Android), string(enrollfsm.IOS)}}
	for _, f := range enrollfsm.Flows() {
		o["flow"] = append(o["flow"], string(f))
	}
	for _, sit := range simulator.Situations() {
		o["situation"] = append(o["situation"], string(sit))
	}
	return o
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	se, err := s.get(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer se.mu.Unlock()
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, s.viewOf(se))
		return
	}
	var b bytes.Buffer
	if err := page.Execute(&b, s.viewOf(se)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

func (s *Server) showJSON(w http.ResponseWriter, r *http.Request) {
	r.Header.Set("Accept", "application/json")
	s.show(w, r)
}

// moveRequest is a move as the page posts it. Step is the number of moves
// the page has seen: a move from a stale page (another tab moved on, a
// double click) is refused rather than applied to a state it was not meant
// for.
type moveRequest struct {
	Step int `json:"step"`
	Input
}

func (s *Server) move(w http.ResponseWriter, r *http.Request) {
	var m moveRequest
	err := decode(r, &m, func(get func(string) string) error {
		n, err := strconv.Atoi(get("step"))
		if err != nil {
			return fmt.Errorf("%w: step is not a number", errDecode)
		}
		m = moveRequest{Step: n, Input: Input{Reply: get("reply"), Prompt: get("prompt"), Action: get("action"), Value: get("value"), Wait: get("wait")}}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(m.Input.Value) > maxValue {
		s.fail(w, r, badInput("a value of %d bytes: no answer is longer than %d", len(m.Input.Value), maxValue))
		return
	}
	se, err := s.get(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer se.mu.Unlock()
	switch {
	case m.Step != len(se.run.inputs):
		err = &staleError{session: se.id, shown: m.Step, at: len(se.run.inputs)}
	case len(se.run.inputs) >= maxMoves:
		err = conflict("a walk is limited to %d moves; step back or start a new one", maxMoves)
	default:
		err = se.run.apply(m.Input)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, se)
}

// done answers a move: the new view as JSON, or a redirect to the page.
func (s *Server) done(w http.ResponseWriter, r *http.Request, se *session) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, s.viewOf(se))
		return
	}
	http.Redirect(w, r, "/s/"+se.id, http.StatusSeeOther)
}

// backRequest is a step back as the page posts it: Step is the move the
// page shows, as in a move, so that a stale page cannot undo moves it never
// showed.
type backRequest struct {
	Step int `json:"step"`
	To   int `json:"to"`
}

// back steps back to after move To (0: the start), by replaying the first
// To moves on a new engine.
func (s *Server) back(w http.ResponseWriter, r *http.Request) {
	var b backRequest
	err := decode(r, &b, func(get func(string) string) error {
		step, err := strconv.Atoi(get("step"))
		if err != nil {
			return fmt.Errorf("%w: step is not a number", errDecode)
		}
		n, err := strconv.Atoi(get("to"))
		if err != nil {
			return fmt.Errorf("%w: to is not a number", errDecode)
		}
		b.Step, b.To = step, n
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	se, err := s.get(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer se.mu.Unlock()
	if b.Step != len(se.run.inputs) {
		s.fail(w, r, &staleError{session: se.id, shown: b.Step, at: len(se.run.inputs)})
		return
	}
	if b.To < 0 || b.To > len(se.run.inputs) {
		s.fail(w, r, badInput("cannot step back to move %d: the walk has %d", b.To, len(se.run.inputs)))
		return
	}
	rn, err := replay(se.run.cfg, se.run.inputs[:b.To])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	se.run = rn
	s.done(w, r, se)
}

// scenario downloads the walk as a scenario file, PINs, codes and phone
// numbers replaced by stand-ins as scenariofile.Recorder does.
func (s *Server) scenario(w http.ResponseWriter, r *http.Request) {
	se, err := s.get(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer se.mu.Unlock()
	data, err := se.run.transcript()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="explored_`+string(se.run.e.Flow())+`.json"`)
	_, _ = w.Write(append(data, '\n'))
}

// docTypes are the content types of the files the pages link to; a .dot or
// .mmd source, an SCXML document and an XState module are shown as text.
var docTypes = map[string]string{
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".dot":   "text/plain; charset=utf-8",
	".mmd":   "text/plain; charset=utf-8",
	".json":  "application/json",
	".mjs":   "text/plain; charset=utf-8",
	".scxml": "text/plain; charset=utf-8",
}

// docs serves the generated pages, rendered, and every file they link to:
// the pictures and the diagrams' sources.
func (s *Server) docs(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.PathValue("file"))
	if strings.HasPrefix(r.URL.Path, "/docs/export/") {
		name = "export/" + name
	}
	data, err := fs.ReadFile(docs.Files, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if path.Ext(name) == ".md" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.ExecuteTemplate(w, "doc", map[string]any{"Name": name, "Body": template.HTML(markdownHTML(string(data)))})
		return
	}
	ct, ok := docTypes[path.Ext(name)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write(data)
}

func fsmRow(src enrollment.State, ev enrollment.Event, dst enrollment.State) fsm.Row {
	return fsm.Row{Event: ev, Src: src, Dst: dst}
}
