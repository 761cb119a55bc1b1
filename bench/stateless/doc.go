// Package stateless compares the engine with github.com/qmuntal/stateless,
// the peer a user might pick instead, on the same enrollment table. It is a
// module of its own so that the library's go.mod never depends on it.
//
//	cd bench/stateless && go test -run XXX -bench . -benchmem
package stateless
