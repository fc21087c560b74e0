package cli

import "errors"

// errUsage marks command-line mistakes: Main reports them with a pointer to --help and
// exit status 2. Its text is part of the message users see ("memflux-server: usage: …").
var errUsage = errors.New("usage")
