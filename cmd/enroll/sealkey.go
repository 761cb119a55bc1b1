package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// demoKey returns the key that seals the demo's saved runs, creating it on
// first use. It lives in the user's configuration folder, apart from the
// saved file, as an app keeps its key in the Android Keystore or the iOS
// Keychain: whoever edits a saved run cannot seal it again.
func demoKey() ([]byte, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	path := filepath.Join(dir, "enrollfsm", "demo-snapshot.key")
	key, err := os.ReadFile(path)
	switch {
	case err == nil && len(key) == 32:
		return key, nil
	case err == nil:
		return nil, fmt.Errorf("the snapshot key %s is not 32 bytes: remove it to make a new one", path)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("the snapshot key: %w", err)
	}
	return key, nil
}
