// Package browsertest clicks through the explorer in a real browser,
// Debian's chromium driven by chromedp. It is a module of its own so that
// the library's go.mod stays free of chromedp; .ci/run runs it.
package browsertest
