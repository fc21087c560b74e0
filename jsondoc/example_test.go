package jsondoc_test

import (
	"fmt"

	"github.com/memflux/memflux/jsondoc"
)

func ExampleNormalize() {
	doc, err := jsondoc.Normalize([]byte(`{"b": 2, "a": "x", "n": [1e3, 15.0, -0.5, 1.5e-7]}`))
	fmt.Println(doc, err)
	_, err = jsondoc.Normalize([]byte(`{"a": 1,}`))
	fmt.Println(err)
	// Output:
	// {"a":"x","b":2,"n":[1000.0,15.0,-0.5,1.5e-7]} <nil>
	// Value is not valid JSON
}

func ExampleLookup() {
	doc := `{"age":30,"name":"Alice","tags":["x","y"]}`
	raw, ok := jsondoc.Lookup(doc, "name")
	name, _ := jsondoc.Unquote(raw)
	fmt.Println(raw, ok, name)
	raw, ok = jsondoc.LookupPath(doc, []string{"tags", "1"})
	fmt.Println(raw, ok)
	// Output:
	// "Alice" true Alice
	// "y" true
}

func ExampleSet() {
	key, path, _ := jsondoc.SplitKeyPath("user:1.address.city")
	doc, err := jsondoc.Set(`{"name":"Alice","tags":["x"]}`, true, path, `"Paris"`)
	fmt.Println(key, doc, err)
	_, err = jsondoc.Set(doc, true, []string{"tags", "7"}, `1`)
	fmt.Println(err)
	doc, ok := jsondoc.Delete(doc, []string{"name"})
	fmt.Println(doc, ok)
	// Output:
	// user:1 {"address":{"city":"Paris"},"name":"Alice","tags":["x"]} <nil>
	// Path creation failed: part is not an object
	// {"address":{"city":"Paris"},"tags":["x"]} true
}

func ExampleEqual() {
	one, _ := jsondoc.ParseNumber("1")
	oneFloat, _ := jsondoc.ParseNumber("1.0")
	fmt.Println(jsondoc.Equal(one, jsondoc.Int(1)), jsondoc.Equal(one, oneFloat),
		jsondoc.Equal(one, jsondoc.String("1")))
	obj := jsondoc.Object([]jsondoc.Member{{Name: "b", Value: oneFloat}, {Name: "a", Value: jsondoc.Null()}})
	fmt.Println(obj)
	// Output:
	// true false false
	// {"a":null,"b":1.0}
}
