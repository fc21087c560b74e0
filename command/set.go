package command

import (
	"math/rand/v2"

	"github.com/memflux/memflux/value"
)

// Set commands (SPEC §2.2 and the Redis essentials of §12). A set emptied by a command is
// deleted.
func init() {
	register(
		Spec{Name: "SADD", Flags: flagWrite, Run: cmdSAdd, Summary: "Add members to a set."},
		Spec{Name: "SREM", Flags: flagWrite, Run: cmdSRem, Summary: "Remove members from a set."},
		Spec{Name: "SMEMBERS", Run: cmdSMembers, Summary: "All members of a set."},
		Spec{Name: "SCARD", Run: cmdSCard, Summary: "Number of members of a set."},
		Spec{Name: "SISMEMBER", Run: cmdSIsMember, Summary: "Whether a value is a member of a set."},
		Spec{Name: "SMISMEMBER", Run: cmdSMIsMember, Summary: "Whether each value is a member of a set."},
		Spec{Name: "SPOP", Flags: flagWrite, Run: cmdSPop, Summary: "Remove and return random members."},
		Spec{Name: "SRANDMEMBER", Run: cmdSRandMember, Summary: "Return random members."},
		Spec{Name: "SINTER", Flags: flagSnapshot, Run: cmdSetAlgebra, Summary: "Intersection of sets."},
		Spec{Name: "SUNION", Flags: flagSnapshot, Run: cmdSetAlgebra, Summary: "Union of sets."},
		Spec{Name: "SDIFF", Flags: flagSnapshot, Run: cmdSetAlgebra, Summary: "Members of the first set not in the others."},
	)
}

// storeSet writes s at key, deleting the key when s is empty.
func (c *Call) storeSet(key []byte, s *value.Set) {
	if s.Len() == 0 {
		c.del(key)
		return
	}
	c.put(key, value.FromSet(s))
}

func cmdSAdd(c *Call) (Reply, error) {
	if len(c.Args) < 3 {
		return Reply{}, arity("SADD requires a key and at least one member")
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeNotSet)
	if err != nil {
		return Reply{}, err
	}
	s, added := s.Add(strs(c.Args[2:])...)
	if added > 0 {
		c.put(c.Args[1], value.FromSet(s))
	}
	return Int(int64(added)), nil
}

func cmdSRem(c *Call) (Reply, error) {
	if len(c.Args) < 3 {
		return Reply{}, arity("SREM requires a key and at least one member")
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeNotSet)
	if err != nil {
		return Reply{}, err
	}
	s, removed := s.Remove(strs(c.Args[2:])...)
	if removed > 0 {
		c.storeSet(c.Args[1], s)
	}
	return Int(int64(removed)), nil
}

// members returns the members of s as bulk replies.
func members(s *value.Set) []Reply {
	out := make([]Reply, 0, s.Len())
	s.All(func(m string) bool {
		out = append(out, Bulk(m))
		return true
	})
	return out
}

func cmdSMembers(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("SMEMBERS requires one argument")
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeNotSet)
	if err != nil {
		return Reply{}, err
	}
	return Array(members(s)), nil
}

func cmdSCard(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("SCARD requires one argument")
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeNotSet)
	if err != nil {
		return Reply{}, err
	}
	return Int(int64(s.Len())), nil
}

func cmdSIsMember(c *Call) (Reply, error) {
	if len(c.Args) != 3 {
		return Reply{}, arity("SISMEMBER requires two arguments")
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeNotSet)
	if err != nil {
		return Reply{}, err
	}
	if s.Has(string(c.Args[2])) {
		return Int(1), nil
	}
	return Int(0), nil
}

func cmdSMIsMember(c *Call) (Reply, error) {
	if len(c.Args) < 3 {
		return Reply{}, redisArity(c.Name)
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeRedis)
	if err != nil {
		return Reply{}, err
	}
	out := make([]Reply, len(c.Args)-2)
	for i, m := range c.Args[2:] {
		if s.Has(string(m)) {
			out[i] = Int(1)
		} else {
			out[i] = Int(0)
		}
	}
	return Array(out), nil
}

// randCount parses the optional count of SPOP/SRANDMEMBER.
func randCount(c *Call) (n int64, given bool, err error) {
	if len(c.Args) == 2 {
		return 1, false, nil
	}
	if len(c.Args) != 3 {
		return 0, false, redisArity(c.Name)
	}
	n, ok := parseInt(c.Args[2])
	if !ok {
		return 0, false, errNotInteger
	}
	return n, true, nil
}

// noMembers is the reply of SPOP and SRANDMEMBER for an empty set: nil, or an empty
// array when a count was given.
func noMembers(given bool) Reply {
	if given {
		return Array([]Reply{})
	}
	return Nil()
}

// newRand returns a randomly seeded generator for picking random members.
func newRand() *rand.Rand { return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())) }

func cmdSPop(c *Call) (Reply, error) {
	n, given, err := randCount(c)
	if err != nil {
		return Reply{}, err
	}
	if n < 0 {
		return Reply{}, newError(ErrInvalid, "value is out of range, must be positive")
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeRedis)
	if err != nil {
		return Reply{}, err
	}
	if s.Len() == 0 {
		return noMembers(given), nil
	}
	r := newRand()
	var popped []string
	for i := int64(0); i < n && s.Len() > 0; i++ {
		m := s.Random(r)
		s, _ = s.Remove(m)
		popped = append(popped, m)
	}
	c.storeSet(c.Args[1], s)
	if !given {
		return Bulk(popped[0]), nil
	}
	return Strings(popped), nil
}

func cmdSRandMember(c *Call) (Reply, error) {
	n, given, err := randCount(c)
	if err != nil {
		return Reply{}, err
	}
	s, err := setOf(c.get(c.Args[1]), errWrongTypeRedis)
	if err != nil {
		return Reply{}, err
	}
	if s.Len() == 0 {
		return noMembers(given), nil
	}
	r := newRand()
	if !given {
		return Bulk(s.Random(r)), nil
	}
	if n < 0 { // repetitions allowed
		out := make([]Reply, 0, min(-n, 1<<20))
		for i := int64(0); i < -n && i < 1<<20; i++ {
			out = append(out, Bulk(s.Random(r)))
		}
		return Array(out), nil
	}
	if n >= int64(s.Len()) {
		return Array(members(s)), nil
	}
	picked := value.NewSet()
	var out []Reply
	for int64(len(out)) < n {
		m := s.Random(r)
		var added int
		if picked, added = picked.Add(m); added == 1 {
			out = append(out, Bulk(m))
		}
	}
	return Array(out), nil
}

func cmdSetAlgebra(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, redisArity(c.Name)
	}
	sets := make([]*value.Set, len(c.Args)-1)
	for i, k := range c.Args[1:] {
		s, err := setOf(c.get(k), errWrongTypeRedis)
		if err != nil {
			return Reply{}, err
		}
		sets[i] = s
	}
	var out []Reply
	switch c.Name {
	case "SINTER", "SDIFF":
		// A member of the first set is kept when every other set has it (SINTER) or
		// none has it (SDIFF).
		inOthers := c.Name == "SINTER"
		sets[0].All(func(m string) bool {
			for _, o := range sets[1:] {
				if o.Has(m) != inOthers {
					return true
				}
			}
			out = append(out, Bulk(m))
			return true
		})
	default:
		u := value.NewSet()
		for _, s := range sets {
			s.All(func(m string) bool {
				var added int
				if u, added = u.Add(m); added == 1 {
					out = append(out, Bulk(m))
				}
				return true
			})
		}
	}
	if out == nil {
		out = []Reply{}
	}
	return Array(out), nil
}
