package main

import (
	"errors"

	"github.com/memflux/memflux/command"
)

// Errors the library reports itself. Their messages are part of the ABI (SPEC §9.2 and
// include/memflux.h), so they are exact user-facing texts rather than "ffi: ..." strings;
// the kinds come from package command so Go callers can still branch with errors.Is.
var (
	// errInvalidUTF8: memflux_exec's command string is not UTF-8.
	errInvalidUTF8 = &command.Error{Kind: command.ErrInvalid, Msg: "Invalid UTF-8 in command string"}
	// errInvalidCommand: unbalanced quotes or a trailing backslash.
	errInvalidCommand = &command.Error{Kind: command.ErrInvalid, Msg: "Invalid command string"}
	// errEmptyCommand: the command string holds no word.
	errEmptyCommand = &command.Error{Kind: command.ErrInvalid, Msg: "Empty command string"}
	// errBadDatabase: the database handle is unknown or closed.
	errBadDatabase = &command.Error{Kind: command.ErrInvalid, Msg: "Invalid database handle"}
	// errBadCursor: the cursor handle is unknown, closed, or belongs to another database.
	errBadCursor = &command.Error{Kind: command.ErrInvalid, Msg: "Invalid cursor handle"}
	// errBadArgv: memflux_exec_argv got a negative argc, a NULL argv, or a NULL argument
	// with a non-zero length.
	errBadArgv = &command.Error{Kind: command.ErrInvalid, Msg: "Invalid argument vector"}
	// errFilesInUse: memflux_open of files that a database of this process has open.
	errFilesInUse = errors.New("memflux: the database files are already open in this process")
	// errOutOfMemory: malloc failed while building a response (reported through
	// memflux_last_error, as the response itself is NULL).
	errOutOfMemory = &command.Error{Kind: command.ErrOOM, Msg: "Out of memory"}
)
