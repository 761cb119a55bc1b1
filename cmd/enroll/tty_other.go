//go:build !linux

package main

import "os"

// isTTY takes a character device other than /dev/null for a terminal where
// the kernel is not asked.
func isTTY(f *os.File) bool {
	info, err := f.Stat()
	if err != nil {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(info, null)
}
