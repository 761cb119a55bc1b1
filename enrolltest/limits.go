package enrolltest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/enrollfsm/enrollfsm"
	pimserr "github.com/enrollfsm/enrollfsm/errors"
)

// limitKeys are ParseLimits' names, in the order String prints them.
var limitKeys = []string{"codes", "resends", "pins", "removals", "reads", "backoff", "ttl"}

// ParseLimits reads a host's limits as "pins=3,codes=3,resends=5": the
// names are codes (wrong answers per SMS code), resends, pins, removals,
// reads (attempts of a read call), backoff and ttl (a code's lifetime, as
// "10m" or "90s"). A name left out keeps the contract's value
// (ContractLimits), so the result is the whole configuration a host ships.
// The error wraps errors.ErrConfig and names the part it could not read;
// whether the engine accepts the values is WithLimits' to say.
func ParseLimits(s string) (enrollfsm.Limits, error) {
	l := ContractLimits()
	if strings.TrimSpace(s) == "" {
		return l, fmt.Errorf("%w: no limits given (want name=value,...: %s)", pimserr.ErrConfig, strings.Join(limitKeys, ", "))
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" || value == "" {
			return l, fmt.Errorf("%w: limit %q: want name=value", pimserr.ErrConfig, clip(part))
		}
		if seen[name] {
			return l, fmt.Errorf("%w: limit %q given twice", pimserr.ErrConfig, clip(name))
		}
		seen[name] = true
		var err error
		switch name {
		case "codes":
			l.CodeAttempts, err = count(value)
		case "resends":
			l.Resends, err = count(value)
		case "pins":
			l.PINAttempts, err = count(value)
		case "removals":
			l.Removals, err = count(value)
		case "reads":
			l.ReadAttempts, err = count(value)
		case "backoff":
			l.Backoff, err = duration(value)
		case "ttl":
			l.CodeTTL, err = duration(value)
		default:
			return l, fmt.Errorf("%w: unknown limit %q (want one of %s)", pimserr.ErrConfig, clip(name), strings.Join(limitKeys, ", "))
		}
		if err != nil {
			return l, fmt.Errorf("%w: limit %s=%q: %s", pimserr.ErrConfig, name, clip(value), err)
		}
	}
	return l, nil
}

// FormatLimits writes l as ParseLimits reads it, every name given.
func FormatLimits(l enrollfsm.Limits) string {
	return fmt.Sprintf("codes=%d,resends=%d,pins=%d,removals=%d,reads=%d,backoff=%s,ttl=%s",
		l.CodeAttempts, l.Resends, l.PINAttempts, l.Removals, l.ReadAttempts, l.Backoff, l.CodeTTL)
}

func count(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		return 0, fmt.Errorf("want a whole number from 0 to 1000")
	}
	return n, nil
}

func duration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("want a duration such as 10m or 500ms")
	}
	return d, nil
}

// clip keeps an echoed piece of input short.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
