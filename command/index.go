package command

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/memflux/memflux/index"
	"github.com/memflux/memflux/txn"
)

// The index commands (SPEC §6). They are not transactional (SPEC §5.2): each runs in a
// transaction of its own, even inside BEGIN … COMMIT, and IDX.CREATE / CREATEINDEX reply
// once the index is built over the existing documents (writers are not blocked meanwhile).
func init() {
	register(
		Spec{Name: "IDX.CREATE", Flags: flagNoTxn | flagWrite, Run: cmdIdxCreate,
			Summary: "IDX.CREATE name prefix path: index the JSON path of the keys under prefix (ending in '*')."},
		Spec{Name: "IDX.DROP", Flags: flagNoTxn, Run: cmdIdxDrop,
			Summary: "IDX.DROP name: remove an index; :1 if it existed, else :0."},
		Spec{Name: "IDX.LIST", Flags: flagNoTxn, Run: cmdIdxList,
			Summary: "List the indexes: <prefix>|<path>, or the name of SQL CREATE INDEX indexes."},
		Spec{Name: "CREATEINDEX", Flags: flagNoTxn | flagWrite, Run: cmdCreateIndex,
			Summary: "CREATEINDEX prefix ON path: IDX.CREATE with the name <prefix minus *>_<path with . as _>."},
	)
}

// indexState holds the index manager of an Env, set once (sync.Once) and read-only
// afterwards, so it is safe for concurrent use.
type indexState struct {
	once sync.Once
	m    *index.Manager
}

// SetIndexes installs the database's index manager. The root package calls it before any
// command runs; an Env without one creates its own on first use.
func (env *Env) SetIndexes(m *index.Manager) {
	env.idx.once.Do(func() { env.idx.m = m })
}

// Indexes returns the index manager of the environment, creating (and starting) one when
// none was installed.
func (env *Env) Indexes() *index.Manager {
	env.idx.once.Do(func() {
		env.idx.m = index.New(env.Txns, nil)
		env.idx.m.Start()
	})
	return env.idx.m
}

// Indexes returns the index manager of the session's environment.
func (s *Session) Indexes() *index.Manager { return s.env.Indexes() }

func cmdIdxCreate(c *Call) (Reply, error) {
	if len(c.Args) != 4 {
		return Reply{}, errIdxCreateArity
	}
	return createIndex(c, c.str(1), c.str(2), c.str(3), index.OriginCommand)
}

func cmdCreateIndex(c *Call) (Reply, error) {
	if len(c.Args) != 4 || !strings.EqualFold(c.str(2), "ON") {
		return Reply{}, errCreateIndexUse
	}
	prefix, path := c.str(1), c.str(3)
	name := strings.TrimSuffix(prefix, "*") + "_" + strings.ReplaceAll(path, ".", "_")
	return createIndex(c, name, prefix, path, index.OriginCreateIndex)
}

// createIndex defines and builds a one-path index, replying with SPEC §6's errors.
func createIndex(c *Call, name, prefix, path string, origin index.Origin) (Reply, error) {
	def := index.Def{Name: name, Prefix: prefix, Columns: []index.Column{{Path: path}}, Origin: origin}
	_, err := c.env.Indexes().CreateOnline(context.Background(), def)
	if err != nil {
		return Reply{}, indexError(err, name)
	}
	return OK(), nil
}

// indexError maps an index package error to its SPEC §6 text.
func indexError(err error, name string) error {
	switch {
	case errors.Is(err, index.ErrPrefix):
		return &Error{Kind: ErrInvalid, Msg: "Key prefix must end with '*'", Err: err}
	case errors.Is(err, index.ErrPathExists):
		return &Error{Kind: ErrInvalid, Msg: "Index on this prefix and path already exists", Err: err}
	case errors.Is(err, index.ErrExists):
		return &Error{Kind: ErrInvalid, Msg: "Index '" + name + "' already exists", Err: err}
	case errors.Is(err, index.ErrInvalid):
		return &Error{Kind: ErrInvalid, Msg: "Invalid index: " + err.Error(), Err: err}
	case errors.Is(err, index.ErrUnique):
		return &Error{Kind: ErrInvalid, Msg: err.Error(), Err: err}
	}
	return commitError(err)
}

func cmdIdxDrop(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, errIdxDropArity
	}
	existed, err := c.env.Indexes().DropOnline(c.str(1))
	if err != nil {
		return Reply{}, commitError(err)
	}
	if existed {
		return Int(1), nil
	}
	return Int(0), nil
}

// cmdIdxList lists the committed indexes by their IDX.LIST names, sorted.
func cmdIdxList(c *Call) (Reply, error) {
	if len(c.Args) != 1 {
		return Reply{}, arity("IDX.LIST takes no arguments")
	}
	m := c.env.Indexes()
	tx := c.env.Txns.Begin(txn.ModeSnapshot)
	defer tx.Rollback()
	var names []string
	for _, d := range m.List(tx) {
		names = append(names, d.DisplayName())
	}
	slices.Sort(names)
	return Strings(names), nil
}

// uniqueCommitError gives a unique violation found when an auto-committed SQL statement
// commits (a concurrent transaction committed the same value first) the SQL error form:
// `Execution Error: UNIQUE constraint '<index>' failed for column '<col>'`.
func uniqueCommitError(err error) error {
	var ce *Error
	if err != nil && errors.Is(err, index.ErrUnique) && !errors.As(err, &ce) {
		return sqlError(err)
	}
	return err
}
