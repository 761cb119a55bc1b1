package enrollfsm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// strictJSON checks data against the shape of v's type before it is decoded,
// refusing what encoding/json lets through: a duplicate key (the last would
// win), a key that matches a field only case-insensitively, an unknown key,
// a null, and a missing field that has no omitempty.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walkJSON(dec, reflect.TypeOf(v), "snapshot"); err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("data after the document")
	}
	return nil
}

// maxDepth bounds the nesting walkJSON follows; a snapshot nests three deep.
const maxDepth = 8

func walkJSON(dec *json.Decoder, t reflect.Type, at string) error {
	return walkDepth(dec, t, at, 0)
}

func walkDepth(dec *json.Decoder, t reflect.Type, at string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%s: nested too deep", at)
	}
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %v", at, err)
	}
	if tok == nil {
		return fmt.Errorf("%s is null", at)
	}
	switch t.Kind() {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return fmt.Errorf("%s is not an object", at)
		}
		fields := jsonFields(t)
		seen := map[string]bool{}
		for dec.More() {
			key, err := objectKey(dec, at)
			if err != nil {
				return err
			}
			f, ok := fields[key]
			switch {
			case seen[key]:
				return fmt.Errorf("%s.%s appears twice", at, key)
			case !ok:
				return fmt.Errorf("%s has an unknown key %q", at, key)
			}
			seen[key] = true
			if err := walkDepth(dec, f.typ, at+"."+key, depth+1); err != nil {
				return err
			}
		}
		for name, f := range fields {
			if f.required && !seen[name] {
				return fmt.Errorf("%s has no %s", at, name)
			}
		}
		_, err := dec.Token()
		return err
	case reflect.Map:
		if tok != json.Delim('{') {
			return fmt.Errorf("%s is not an object", at)
		}
		seen := map[string]bool{}
		for dec.More() {
			key, err := objectKey(dec, at)
			if err != nil {
				return err
			}
			if seen[key] {
				return fmt.Errorf("%s.%s appears twice", at, key)
			}
			seen[key] = true
			if err := walkDepth(dec, t.Elem(), at+"."+key, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case reflect.Slice:
		if tok != json.Delim('[') {
			return fmt.Errorf("%s is not an array", at)
		}
		for i := 0; dec.More(); i++ {
			if err := walkDepth(dec, t.Elem(), fmt.Sprintf("%s[%d]", at, i), depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	if _, delim := tok.(json.Delim); delim {
		return fmt.Errorf("%s is not a %s", at, t.Kind())
	}
	return nil // the decoder checks a scalar's type
}

func objectKey(dec *json.Decoder, at string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", fmt.Errorf("%s: %v", at, err)
	}
	key, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%s: a key is not a string", at)
	}
	return key, nil
}

type jsonField struct {
	typ      reflect.Type
	required bool
}

// jsonFields maps a struct's JSON names to their types; a field without
// omitempty must be present.
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			for name, inner := range jsonFields(f.Type) {
				out[name] = inner // an embedded struct's fields are the outer's
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		out[name] = jsonField{typ: f.Type, required: !optional}
	}
	return out
}
