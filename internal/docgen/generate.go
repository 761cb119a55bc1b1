package docgen

// gen.go needs only this package, so that regenerating the docs does not
// depend on the tests' imports building.
//go:generate go run gen.go
