package docgen

//go:generate go test -run TestDocs_UpToDate -update .
