//go:build unix

package scenario

import (
	"os"
	"syscall"
)

// openNoBlock opens name for reading; a named pipe opens at once instead of
// waiting for a writer.
func openNoBlock(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
