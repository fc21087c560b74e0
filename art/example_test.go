package art_test

import (
	"fmt"

	"github.com/memflux/memflux/art"
)

// Chain stands in for an mvcc version chain.
type Chain struct{ Value string }

func Example() {
	t := art.New[Chain]()
	for _, k := range []string{"users/2", "users/10", "orders/7", "users/1"} {
		t.GetOrInsert([]byte(k), func() *Chain { return &Chain{Value: "row " + k} })
	}

	// An existing key keeps its value: mk is not called.
	c, inserted := t.GetOrInsert([]byte("users/1"), func() *Chain { return &Chain{Value: "new"} })
	fmt.Println(c.Value, inserted)

	// A table scan is a prefix scan, in key order.
	t.ScanPrefix([]byte("users/"), func(key []byte, c *Chain) bool {
		fmt.Printf("%s: %s\n", key, c.Value)
		return true
	})

	// Delete only if the key still maps to the chain we looked at.
	fmt.Println(t.CompareAndDelete([]byte("orders/7"), t.GetString("orders/7")), t.Len())
	// Output:
	// row users/1 false
	// users/1: row users/1
	// users/10: row users/10
	// users/2: row users/2
	// true 3
}

func ExampleTree_Scan() {
	t := art.New[int]()
	for i, k := range []string{"a", "ab", "b", "ba", "c"} {
		v := i
		t.GetOrInsert([]byte(k), func() *int { return &v })
	}
	t.Scan([]byte("aa"), func(key []byte, v *int) bool {
		fmt.Println(string(key), *v)
		return string(key) < "ba" // stop after "ba"
	})
	// Output:
	// ab 1
	// b 2
	// ba 3
}
