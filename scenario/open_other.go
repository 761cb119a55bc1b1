//go:build !unix

package scenario

import "os"

// openNoBlock opens name for reading; Load checks first that it is a
// regular file.
func openNoBlock(name string) (*os.File, error) { return os.Open(name) }
