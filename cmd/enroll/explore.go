package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/enrollfsm/enrollfsm/explore"
)

// exploreCmd serves the explorer on addr (loopback by default) until ctx
// ends, printing its URL first.
func exploreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("explore", "usage: enroll explore [-addr HOST:PORT]\n\n"+
		"Serves a page on which to walk a flow step by step: choose each reply,\n"+
		"type each answer, watch the machine move. It prints the page's URL.", stdout)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; keep it on loopback: the page drives runs and has no login")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("explore takes no arguments, got %q", fs.Args())
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The server answers for its own address only: a page of a site whose
	// name was pointed at this machine cannot drive the walks.
	handler := explore.New(explore.WithLogger(logger), explore.WithAddr(ln.Addr().String())).Handler()
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "enroll explore: open http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); err != nil {
			return err
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
