package mobile

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

// Logger receives the engine's log, to forward to Logcat or os_log: one
// record per transition (level "DEBUG") and per call ("INFO"). attrs is a
// JSON object, e.g. {"flow":"full","step":"8","request":{"op":"set",...},
// "status":"FAILED","code":2308}. PINs and SMS codes never appear; phone
// numbers are masked.
//
// Log is called from inside the engine's methods, on their thread, while
// the engine is locked: it must return quickly and must not call the engine.
type Logger interface {
	Log(level, message, attrs string)
}

func newSlog(l Logger) *slog.Logger { return slog.New(&hostHandler{host: l}) }

// hostHandler is a slog.Handler writing to the host's Logger.
type hostHandler struct {
	host   Logger
	attrs  []slog.Attr // from WithAttrs, already in their group
	groups []string
}

func (h *hostHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *hostHandler) Handle(_ context.Context, r slog.Record) error {
	root := map[string]any{}
	for _, a := range h.attrs {
		put(root, a)
	}
	m := root
	for _, g := range h.groups {
		sub := map[string]any{}
		m[g] = sub
		m = sub
	}
	r.Attrs(func(a slog.Attr) bool {
		put(m, a)
		return true
	})
	b, err := json.Marshal(root)
	if err != nil {
		return err
	}
	h.host.Log(r.Level.String(), r.Message, string(b))
	return nil
}

func (h *hostHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append([]slog.Attr(nil), h.attrs...)
	for _, a := range attrs {
		for i := len(h.groups) - 1; i >= 0; i-- {
			a = slog.Group(h.groups[i], a)
		}
		c.attrs = append(c.attrs, a)
	}
	return &c
}

func (h *hostHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.groups = append(append([]string(nil), h.groups...), name)
	return &c
}

// put adds a to m, resolving LogValuers: that is where requests mask their
// secrets.
func put(m map[string]any, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		sub := m
		if a.Key != "" {
			sub = map[string]any{}
			m[a.Key] = sub
		}
		for _, g := range v.Group() {
			put(sub, g)
		}
		return
	}
	if a.Key == "" {
		return
	}
	switch v.Kind() {
	case slog.KindDuration:
		m[a.Key] = v.Duration().String()
	case slog.KindTime:
		m[a.Key] = v.Time().Format(time.RFC3339Nano)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			m[a.Key] = err.Error()
		} else {
			m[a.Key] = v.Any()
		}
	default:
		m[a.Key] = v.Any()
	}
}
