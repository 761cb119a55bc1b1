// Package jsonkeys refuses a JSON document in which an object names a key
// twice. encoding/json keeps the last value of a repeated key, and matches
// a struct field's name in any case, so {"final":"failed","Final":"enrolled"}
// decodes as enrolled: a reader who sees the first key is misled.
package jsonkeys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrDuplicate matches every error of Unique about a repeated key.
var ErrDuplicate = errors.New("duplicate key")

// container is an open object or array.
type container struct {
	keys   map[string]bool // folded keys so far; nil for an array
	at     string          // where it is: "exchanges[2].reply"
	index  int             // the next element, in an array
	member string          // the key whose value comes next, in an object
}

// Unique returns an error wrapping ErrDuplicate, naming the key and where it
// is, when an object of data has two keys that are equal or differ only in
// case. Malformed JSON is returned as the decoder's error, which the
// caller's own decoding reports anyway.
func Unique(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []*container
	top := func() *container {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	// next names the value about to be read, and ends the member it is.
	next := func() string {
		c := top()
		switch {
		case c == nil:
			return ""
		case c.keys == nil:
			at := c.at + "[" + strconv.Itoa(c.index) + "]"
			c.index++
			return at
		}
		at := c.member
		if c.at != "" {
			at = c.at + "." + c.member
		}
		c.member = ""
		return at
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		if c := top(); c != nil && c.keys != nil && c.member == "" {
			// An object's key, or its end.
			if tok == json.Delim('}') {
				stack = stack[:len(stack)-1]
				continue
			}
			key, _ := tok.(string)
			folded := strings.ToLower(strings.ToUpper(key)) // as json matches fields
			if c.keys[folded] {
				where := c.at
				if where == "" {
					where = "the document"
				}
				return fmt.Errorf("%w %q in %s", ErrDuplicate, key, where)
			}
			c.keys[folded] = true
			c.member = key
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &container{keys: map[string]bool{}, at: next()})
		case json.Delim('['):
			stack = append(stack, &container{at: next()})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			next()
		}
	}
}
