package logictest

import "errors"

// ErrFormat is matched by every error Parse returns: the text is not a valid logic test
// file (unknown record, missing SQL or `----`, bad regexp or count, unbalanced quote).
var ErrFormat = errors.New("logictest: invalid test file")
