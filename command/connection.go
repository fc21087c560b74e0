package command

import (
	"fmt"
	"strings"
	"sync"
)

// Connection housekeeping: what Redis clients and tools send on their own (SPEC §12).
func init() {
	register(
		Spec{Name: "PING", Flags: flagNoTxn, Run: cmdPing, Summary: "Reply +PONG."},
		Spec{Name: "ECHO", Flags: flagNoTxn, Run: cmdEcho, Summary: "Return the argument."},
		Spec{Name: "SELECT", Flags: flagNoTxn, Run: cmdSelect, Summary: "Select database 0 (the only one)."},
		Spec{Name: "QUIT", Flags: flagNoTxn | flagNoAuth, Run: cmdQuit, Summary: "Close the connection."},
		Spec{Name: "AUTH", Flags: flagNoTxn | flagNoAuth, Run: cmdAuth, Summary: "Authenticate with requirepass."},
		Spec{Name: "HELLO", Flags: flagNoTxn | flagNoAuth, Run: cmdHello, Summary: "HELLO [2|3 [AUTH user pass] [SETNAME name]]: switch protocol."},
		Spec{Name: "COMMAND", Flags: flagNoTxn, Run: cmdCommand, Summary: "COMMAND [COUNT|DOCS|INFO|LIST]."},
		Spec{Name: "CLIENT", Flags: flagNoTxn, Run: cmdClient, Summary: "CLIENT SETNAME|GETNAME|SETINFO|ID|LIST|INFO."},
	)
}

// Authenticator is implemented by hosts that require a password (the server). Hosts
// without it never require authentication. Its methods are called from every session
// concurrently.
type Authenticator interface {
	// AuthRequired reports whether connections start unauthenticated.
	AuthRequired() bool
	// CheckPassword compares in constant time.
	CheckPassword(pw []byte) bool
}

func (env *Env) auth() Authenticator {
	if a, ok := env.Host.(Authenticator); ok && a.AuthRequired() {
		return a
	}
	return nil
}

func cmdPing(c *Call) (Reply, error) { return Simple("PONG"), nil }

func cmdEcho(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, redisArity(c.Name)
	}
	return Bulk(c.str(1)), nil
}

func cmdSelect(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, redisArity(c.Name)
	}
	n, ok := parseInt(c.Args[1])
	if !ok {
		return Reply{}, errNotInteger
	}
	if n != 0 {
		return Reply{}, newError(ErrInvalid, "DB index is out of range")
	}
	return OK(), nil
}

func cmdQuit(c *Call) (Reply, error) {
	c.S.Quit = true
	return OK(), nil
}

func cmdAuth(c *Call) (Reply, error) {
	a := c.env.auth()
	if a == nil || c.S.Authenticated {
		return Reply{}, newError(ErrAuth, "AUTH can only be used as the first command.")
	}
	if len(c.Args) != 2 || !a.CheckPassword(c.Args[1]) {
		return Reply{}, newError(ErrAuth, "Invalid password")
	}
	c.S.Authenticated = true
	return OK(), nil
}

// Version is the Redis version MemFlux reports to clients that branch on it.
const Version = "7.2.0"

func cmdHello(c *Call) (Reply, error) {
	proto := c.S.Proto()
	args := c.Args[1:]
	if len(args) > 0 {
		v, ok := parseInt(args[0])
		if !ok {
			return Reply{}, newError(ErrInvalid, "Protocol version is not an integer or out of range")
		}
		if v != 2 && v != 3 {
			return Reply{}, newError(ErrInvalid, "NOPROTO unsupported protocol version")
		}
		proto = int(v)
		args = args[1:]
	}
	var name *string
	authed := false
	for len(args) > 0 {
		switch strings.ToUpper(string(args[0])) {
		case "AUTH":
			if len(args) < 3 {
				return Reply{}, errSyntax
			}
			if a := c.env.auth(); a != nil && !c.S.Authenticated {
				if !a.CheckPassword(args[2]) {
					return Reply{}, newError(ErrAuth, "Invalid password")
				}
				authed = true
			}
			args = args[3:]
		case "SETNAME":
			if len(args) < 2 {
				return Reply{}, errSyntax
			}
			n := string(args[1])
			name = &n
			args = args[2:]
		default:
			return Reply{}, errSyntax
		}
	}
	if c.env.auth() != nil && !c.S.Authenticated && !authed {
		return Reply{}, errNoAuth
	}
	if authed {
		c.S.Authenticated = true
	}
	if name != nil {
		c.S.setInfo(func(i *clientInfo) { i.name = *name })
	}
	c.S.proto.Store(int32(proto))
	return Map([]Reply{
		Bulk("server"), Bulk("redis"),
		Bulk("version"), Bulk(Version),
		Bulk("proto"), Int(int64(proto)),
		Bulk("id"), Int(c.S.ID),
		Bulk("mode"), Bulk("standalone"),
		Bulk("role"), Bulk("master"),
		Bulk("modules"), Array([]Reply{}),
	}), nil
}

func cmdCommand(c *Call) (Reply, error) {
	sub := ""
	if len(c.Args) > 1 {
		sub = strings.ToUpper(c.str(1))
	}
	switch sub {
	case "":
		names := Names()
		out := make([]Reply, len(names))
		for i, n := range names {
			out[i] = commandInfo(table[n])
		}
		return Array(out), nil
	case "COUNT":
		return Int(int64(len(table))), nil
	case "LIST":
		return Strings(lowerAll(Names())), nil
	case "INFO":
		out := make([]Reply, 0, len(c.Args)-2)
		for _, a := range c.Args[2:] {
			if s := Lookup(string(a)); s != nil {
				out = append(out, commandInfo(s))
			} else {
				out = append(out, Reply{Kind: KindNilArray})
			}
		}
		return Array(out), nil
	case "DOCS":
		var out []Reply
		names := Names()
		if len(c.Args) > 2 {
			names = nil
			for _, a := range c.Args[2:] {
				if s := Lookup(string(a)); s != nil {
					names = append(names, s.Name)
				}
			}
		}
		for _, n := range names {
			out = append(out, Bulk(strings.ToLower(n)), Map([]Reply{
				Bulk("summary"), Bulk(table[n].Summary),
				Bulk("since"), Bulk("1.0.0"),
				Bulk("group"), Bulk("generic"),
			}))
		}
		if out == nil {
			out = []Reply{}
		}
		return Map(out), nil
	}
	return Reply{}, errorf(ErrInvalid, "unknown subcommand '%s'. Try COMMAND HELP.", c.str(1))
}

// commandInfo is a COMMAND entry in Redis's format: name, arity (negative: at least),
// flags, first key, last key, step, ACL categories, tips, key specs, subcommands.
func commandInfo(s *Spec) Reply {
	flags := []Reply{}
	if s.Flags&flagWrite != 0 {
		flags = append(flags, Simple("write"))
	} else {
		flags = append(flags, Simple("readonly"))
	}
	return Array([]Reply{
		Bulk(strings.ToLower(s.Name)), Int(-1), Array(flags),
		Int(1), Int(1), Int(1), Array([]Reply{}), Array([]Reply{}), Array([]Reply{}), Array([]Reply{}),
	})
}

func lowerAll(ss []string) []string {
	for i := range ss {
		ss[i] = strings.ToLower(ss[i])
	}
	return ss
}

// clientInfo is the part of a session other sessions read (CLIENT LIST). It is a plain
// value, guarded by Session.infoMu.
type clientInfo struct {
	name, libName, libVer, addr string
}

// sessionRegistry lists the open sessions for CLIENT LIST. It is safe for concurrent use.
type sessionRegistry struct {
	// mu protects m.
	mu sync.Mutex
	m  map[int64]*Session
}

func (r *sessionRegistry) add(s *Session) {
	r.mu.Lock()
	if r.m == nil {
		r.m = make(map[int64]*Session)
	}
	r.m[s.ID] = s
	r.mu.Unlock()
}

func (r *sessionRegistry) remove(s *Session) {
	r.mu.Lock()
	delete(r.m, s.ID)
	r.mu.Unlock()
}

func (r *sessionRegistry) list() []*Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Session, 0, len(r.m))
	for _, s := range r.m {
		out = append(out, s)
	}
	return out
}

func (s *Session) setInfo(f func(*clientInfo)) {
	s.infoMu.Lock()
	f(&s.info)
	s.infoMu.Unlock()
}

func (s *Session) getInfo() clientInfo {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	return s.info
}

// SetAddr records the peer address shown by CLIENT LIST.
func (s *Session) SetAddr(addr string) { s.setInfo(func(i *clientInfo) { i.addr = addr }) }

func (s *Session) clientLine() string {
	i := s.getInfo()
	return fmt.Sprintf("id=%d addr=%s name=%s db=0 resp=%d lib-name=%s lib-ver=%s\n",
		s.ID, i.addr, i.name, s.Proto(), i.libName, i.libVer)
}

func cmdClient(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, redisArity(c.Name)
	}
	switch strings.ToUpper(c.str(1)) {
	case "SETNAME":
		if len(c.Args) != 3 {
			return Reply{}, redisArity("client|setname")
		}
		if strings.ContainsAny(c.str(2), " \n") {
			return Reply{}, newError(ErrInvalid, "Client names cannot contain spaces, newlines or special characters.")
		}
		c.S.setInfo(func(i *clientInfo) { i.name = c.str(2) })
		return OK(), nil
	case "GETNAME":
		if n := c.S.getInfo().name; n != "" {
			return Bulk(n), nil
		}
		return Nil(), nil
	case "SETINFO":
		if len(c.Args) != 4 {
			return Reply{}, redisArity("client|setinfo")
		}
		v := c.str(3)
		switch strings.ToUpper(c.str(2)) {
		case "LIB-NAME":
			c.S.setInfo(func(i *clientInfo) { i.libName = v })
		case "LIB-VER":
			c.S.setInfo(func(i *clientInfo) { i.libVer = v })
		default:
			return Reply{}, errorf(ErrInvalid, "Unrecognized option '%s'", c.str(2))
		}
		return OK(), nil
	case "ID":
		return Int(c.S.ID), nil
	case "INFO":
		return Verbatim(c.S.clientLine()), nil
	case "LIST":
		var b strings.Builder
		for _, s := range c.env.sessions.list() {
			b.WriteString(s.clientLine())
		}
		return Verbatim(b.String()), nil
	}
	return Reply{}, errorf(ErrInvalid, "unknown subcommand '%s'. Try CLIENT HELP.", c.str(1))
}
