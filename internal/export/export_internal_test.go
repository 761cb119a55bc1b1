package export

// Attr is attr, for the tests.
var Attr = attr
