package command

import (
	"github.com/memflux/memflux/value"
)

// List commands (SPEC §2.2 and the Redis essentials of §12). A list emptied by a command
// is deleted.
func init() {
	register(
		Spec{Name: "LPUSH", Flags: flagWrite, Run: cmdPush, Summary: "Push values to the head of a list."},
		Spec{Name: "RPUSH", Flags: flagWrite, Run: cmdPush, Summary: "Push values to the tail of a list."},
		Spec{Name: "LPOP", Flags: flagWrite, Run: cmdPop, Summary: "Pop from the head: LPOP key [count]."},
		Spec{Name: "RPOP", Flags: flagWrite, Run: cmdPop, Summary: "Pop from the tail: RPOP key [count]."},
		Spec{Name: "LLEN", Run: cmdLLen, Summary: "Length of a list."},
		Spec{Name: "LRANGE", Run: cmdLRange, Summary: "Elements between two indexes."},
		Spec{Name: "LINDEX", Run: cmdLIndex, Summary: "Element at an index."},
		Spec{Name: "LSET", Flags: flagWrite, Run: cmdLSet, Summary: "Replace the element at an index."},
		Spec{Name: "LREM", Flags: flagWrite, Run: cmdLRem, Summary: "Remove occurrences of a value."},
		Spec{Name: "LTRIM", Flags: flagWrite, Run: cmdLTrim, Summary: "Keep only the elements between two indexes."},
	)
}

// storeList writes l at key, deleting the key when l is empty.
func (c *Call) storeList(key []byte, l *value.List) {
	if l.Len() == 0 {
		c.del(key)
		return
	}
	c.put(key, value.FromList(l))
}

// strs returns the arguments as strings.
func strs(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

func cmdPush(c *Call) (Reply, error) {
	if len(c.Args) < 3 {
		return Reply{}, arity(c.Name + " requires a key and at least one value")
	}
	l, err := listOf(c.get(c.Args[1]), errWrongTypeNotList)
	if err != nil {
		return Reply{}, err
	}
	if c.Name == "LPUSH" {
		l = l.PushFront(strs(c.Args[2:])...)
	} else {
		l = l.PushBack(strs(c.Args[2:])...)
	}
	c.put(c.Args[1], value.FromList(l))
	return Int(int64(l.Len())), nil
}

func cmdPop(c *Call) (Reply, error) {
	if len(c.Args) != 2 && len(c.Args) != 3 {
		return Reply{}, arity(c.Name + " requires a key and an optional count")
	}
	count := int64(1)
	if len(c.Args) == 3 {
		n, ok := parseInt(c.Args[2])
		if !ok || n < 0 {
			return Reply{}, newError(ErrInvalid, "Invalid count")
		}
		count = n
	}
	l, err := listOf(c.get(c.Args[1]), errWrongTypeNotList)
	if err != nil {
		return Reply{}, err
	}
	if l.Len() == 0 || count == 0 {
		return Nil(), nil
	}
	var popped []string
	if c.Name == "LPOP" {
		l, popped = l.PopFront(int(min(count, int64(l.Len()))))
	} else {
		l, popped = l.PopBack(int(min(count, int64(l.Len()))))
	}
	c.storeList(c.Args[1], l)
	if len(c.Args) == 2 {
		return Bulk(popped[0]), nil
	}
	return Strings(popped), nil
}

func cmdLLen(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("LLEN requires one argument")
	}
	l, err := listOf(c.get(c.Args[1]), errWrongTypeNotList)
	if err != nil {
		return Reply{}, err
	}
	return Int(int64(l.Len())), nil
}

func cmdLRange(c *Call) (Reply, error) {
	if len(c.Args) != 4 {
		return Reply{}, arity("LRANGE requires three arguments")
	}
	start, ok := parseInt(c.Args[2])
	if !ok {
		return Reply{}, newError(ErrInvalid, "Invalid start index")
	}
	stop, ok := parseInt(c.Args[3])
	if !ok {
		return Reply{}, newError(ErrInvalid, "Invalid stop index")
	}
	l, err := listOf(c.get(c.Args[1]), errWrongTypeNotList)
	if err != nil {
		return Reply{}, err
	}
	out := []Reply{}
	l.Range(clampIndex(start), clampIndex(stop), func(s string) bool {
		out = append(out, Bulk(s))
		return true
	})
	return Array(out), nil
}

// clampIndex narrows a 64-bit index to int without changing its meaning for any list.
func clampIndex(i int64) int {
	const lim = 1 << 40
	return int(max(-lim, min(lim, i)))
}

// listAndInt checks the arguments of a Redis list command of nargs arguments whose third
// is an integer (LINDEX key index, LSET key index value, LREM key count value) and returns
// the list at the key (nil when absent) and the integer.
func listAndInt(c *Call, nargs int) (*value.List, int64, error) {
	if len(c.Args) != nargs {
		return nil, 0, redisArity(c.Name)
	}
	i, ok := parseInt(c.Args[2])
	if !ok {
		return nil, 0, errNotInteger
	}
	l, err := listOf(c.get(c.Args[1]), errWrongTypeRedis)
	return l, i, err
}

func cmdLIndex(c *Call) (Reply, error) {
	l, i, err := listAndInt(c, 3)
	if err != nil {
		return Reply{}, err
	}
	if s, ok := l.Index(clampIndex(i)); ok {
		return Bulk(s), nil
	}
	return Nil(), nil
}

func cmdLSet(c *Call) (Reply, error) {
	l, i, err := listAndInt(c, 4)
	if err != nil {
		return Reply{}, err
	}
	if l.Len() == 0 {
		return Reply{}, newError(ErrInvalid, "no such key")
	}
	nl, ok := l.SetIndex(clampIndex(i), string(c.Args[3]))
	if !ok {
		return Reply{}, newError(ErrInvalid, "index out of range")
	}
	c.put(c.Args[1], value.FromList(nl))
	return OK(), nil
}

func cmdLRem(c *Call) (Reply, error) {
	l, n, err := listAndInt(c, 4)
	if err != nil {
		return Reply{}, err
	}
	nl, removed := l.Remove(clampIndex(n), string(c.Args[3]))
	if removed > 0 {
		c.storeList(c.Args[1], nl)
	}
	return Int(int64(removed)), nil
}

func cmdLTrim(c *Call) (Reply, error) {
	if len(c.Args) != 4 {
		return Reply{}, redisArity(c.Name)
	}
	start, ok1 := parseInt(c.Args[2])
	stop, ok2 := parseInt(c.Args[3])
	if !ok1 || !ok2 {
		return Reply{}, errNotInteger
	}
	l, err := listOf(c.get(c.Args[1]), errWrongTypeRedis)
	if err != nil {
		return Reply{}, err
	}
	if l.Len() == 0 {
		return OK(), nil
	}
	nl := l.Trim(clampIndex(start), clampIndex(stop))
	if nl.Len() != l.Len() {
		c.storeList(c.Args[1], nl)
	}
	return OK(), nil
}
