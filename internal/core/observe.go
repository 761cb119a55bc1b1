package core

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/enrollfsm/enrollfsm/enrollment"
	"github.com/enrollfsm/enrollfsm/pims"
	"github.com/enrollfsm/enrollfsm/redact"
)

// observed reports whether a logger or an observer watches the run: if
// none does, no record of a call or a transition is built.
func (c *Core) observed() bool { return c.cfg.Logger != nil || len(c.cfg.Observers) > 0 }

func (c *Core) observe(from, to enrollment.State, ev enrollment.Event) {
	if l := c.cfg.Logger; l != nil {
		l.LogAttrs(context.Background(), slog.LevelDebug, "transition",
			slog.String("flow", string(c.flow)),
			slog.String("from", string(from)),
			slog.String("to", string(to)),
			slog.String("event", string(ev)))
	}
	for _, o := range c.cfg.Observers {
		if o.Transition != nil {
			o.Transition(enrollment.Transition{From: from, To: to, Event: ev})
		}
	}
}

func (c *Core) notifyAnswer(a enrollment.Answer, err error) {
	for _, o := range c.cfg.Observers {
		if o.Answer != nil {
			o.Answer(a, err)
		}
	}
}

func (c *Core) logCall(r enrollment.CallRecord) {
	if c.cfg.Logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("flow", string(c.flow)),
		slog.String("state", string(r.State)),
		slog.String("step", r.Step),
		slog.Any("request", r.Request),
		slog.Duration("duration", r.Duration),
	}
	if r.Err != nil {
		attrs = append(attrs, slog.String("error", r.Err.Error()))
	} else {
		attrs = append(attrs, slog.String("status", string(r.Status)), slog.String("transactionId", r.TransactionID))
		if r.Code != 0 {
			attrs = append(attrs, slog.Int("code", r.Code))
		}
	}
	c.cfg.Logger.LogAttrs(context.Background(), slog.LevelInfo, "call", attrs...)
}

// shown is the reply as a record shows it: the values under a secret key
// masked, and any value that holds a secret typed here.
func (c *Core) shown(msg *pims.Message) pims.Message {
	out, _ := msg.WithoutSecrets()
	return c.withoutHeld(out)
}

// withoutHeld returns msg as a host may see it: any string or number of the
// reply (the transaction id, a result's key or value at any depth) that
// holds a PIN or a code typed in this engine's life is masked, whatever
// key the backend echoed it under. The run itself reads the reply unmasked: a phone number
// may hold a PIN's digits.
func (c *Core) withoutHeld(msg pims.Message) pims.Message {
	if len(c.typed) == 0 {
		return msg
	}
	var buf [8]string
	held := buf[:0]
	for _, s := range c.typed {
		held = append(held, s.Reveal())
	}
	if holds(msg.TransactionID, held) {
		msg.TransactionID = redact.Mask
	}
	if r, changed := withoutValues(msg.Result, held); changed {
		msg.Result, _ = r.(map[string]any)
	}
	return msg
}

// withoutValues returns v with every key, string and number that holds one
// of secrets masked, copying only what changes.
func withoutValues(v any, secrets []string) (any, bool) {
	switch x := v.(type) {
	case string:
		if holds(x, secrets) {
			return redact.Mask, true
		}
	case float64:
		if holds(strconv.FormatFloat(x, 'f', -1, 64), secrets) {
			return redact.Mask, true
		}
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			masked, changed := withoutValues(e, secrets)
			key := k
			if holds(k, secrets) {
				key, changed = redact.Mask+strconv.Itoa(len(out)), true
			}
			if changed {
				if out == nil {
					out = make(map[string]any, len(x))
					for k2, e2 := range x {
						out[k2] = e2
					}
				}
				delete(out, k)
				out[key] = masked
			}
		}
		if out != nil {
			return out, true
		}
	case []any:
		var out []any
		for i, e := range x {
			if masked, changed := withoutValues(e, secrets); changed {
				if out == nil {
					out = append([]any(nil), x...)
				}
				out[i] = masked
			}
		}
		if out != nil {
			return out, true
		}
	}
	return v, false
}

func holds(s string, secrets []string) bool {
	for _, x := range secrets {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
