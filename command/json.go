package command

import (
	"fmt"

	"github.com/memflux/memflux/jsondoc"
	"github.com/memflux/memflux/value"
)

// JSON document commands (SPEC §2.2, §3).
func init() {
	register(
		Spec{Name: "JSON.SET", Flags: flagWrite, Run: cmdJSONSet, Summary: "Set a JSON document or the value at a path inside it."},
		Spec{Name: "JSON.GET", Run: cmdJSONGet, Summary: "Get a JSON document or the value at a path."},
		Spec{Name: "JSON.DEL", Flags: flagWrite, Run: cmdJSONDel, Summary: "Delete a JSON document or an object member at a path."},
	)
}

// keyPath splits a key-path argument, mapping path errors to command errors.
func keyPath(arg []byte) (string, []string, error) {
	k, p, err := jsondoc.SplitKeyPath(string(arg))
	if err != nil {
		return "", nil, &Error{Kind: ErrInvalid, Msg: err.Error(), Err: err}
	}
	return k, p, nil
}

// jsonOf returns the document at key (exists=false when absent) or WRONGTYPE.
func jsonOf(v value.Value) (doc string, exists bool, err error) {
	switch v.Kind() {
	case value.KindNone:
		return "", false, nil
	case value.KindJSON:
		return v.Str(), true, nil
	}
	return "", false, errWrongTypeNotJSON
}

func cmdJSONSet(c *Call) (Reply, error) {
	var key string
	var path []string
	var raw []byte
	switch len(c.Args) {
	case 3:
		var err error
		if key, path, err = keyPath(c.Args[1]); err != nil {
			return Reply{}, err
		}
		raw = c.Args[2]
	case 4:
		kp := string(c.Args[1])
		if p := string(c.Args[2]); p != "." && p != "" {
			kp += "." + p
		}
		var err error
		if key, path, err = keyPath([]byte(kp)); err != nil {
			return Reply{}, err
		}
		raw = c.Args[3]
	default:
		return Reply{}, arity(fmt.Sprintf("JSON.SET requires 2 or 3 arguments, got %d.", len(c.Args)-1))
	}
	val, err := jsondoc.Normalize(raw)
	if err != nil {
		return Reply{}, &Error{Kind: ErrInvalid, Msg: "Value is not valid JSON", Err: err}
	}
	kb := []byte(key)
	doc, exists, err := jsonOf(c.get(kb))
	if err != nil {
		return Reply{}, err
	}
	out, err := jsondoc.Set(doc, exists, path, val)
	if err != nil {
		return Reply{}, &Error{Kind: ErrInvalid, Msg: err.Error(), Err: err}
	}
	c.put(kb, value.JSON(out))
	return OK(), nil
}

func cmdJSONGet(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("JSON.GET requires a key/path")
	}
	key, path, err := keyPath(c.Args[1])
	if err != nil {
		return Reply{}, err
	}
	doc, exists, err := jsonOf(c.get([]byte(key)))
	if err != nil || !exists {
		return Nil(), err
	}
	raw, ok := jsondoc.Get(doc, path)
	if !ok {
		return Nil(), nil
	}
	if len(path) > 0 {
		if s, isStr := jsondoc.Unquote(raw); isStr {
			return Bulk(s), nil
		}
	}
	return Bulk(raw), nil
}

func cmdJSONDel(c *Call) (Reply, error) {
	if len(c.Args) != 2 {
		return Reply{}, arity("JSON.DEL requires a key/path")
	}
	key, path, err := keyPath(c.Args[1])
	if err != nil {
		return Reply{}, err
	}
	kb := []byte(key)
	doc, exists, err := jsonOf(c.get(kb))
	if err != nil {
		return Reply{}, err
	}
	if !exists {
		return Int(0), nil
	}
	if len(path) == 0 {
		c.del(kb)
		return Int(1), nil
	}
	out, ok := jsondoc.Delete(doc, path)
	if !ok {
		return Int(0), nil
	}
	c.put(kb, value.JSON(out))
	return Int(1), nil
}
