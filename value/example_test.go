package value_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/memflux/memflux/value"
)

func ExampleList() {
	v1 := value.NewList("c")
	v2 := v1.PushFront("b", "a") // LPUSH l b a
	v3, popped := v2.PopBack(1)  // RPOP l

	show := func(l *value.List) []string {
		var out []string
		l.All(func(s string) bool { out = append(out, s); return true })
		return out
	}
	fmt.Println(show(v1), show(v2), show(v3), popped)
	// Output: [c] [a b c] [a b] [c]
}

func ExampleList_Range() {
	l := value.NewList("a", "b", "c", "d", "e")
	l.Range(-3, 100, func(s string) bool { // LRANGE l -3 100
		fmt.Print(s, " ")
		return true
	})
	fmt.Println()
	// Output: c d e
}

func ExampleSet() {
	s1 := value.NewSet("x", "y")
	s2, added := s1.Add("y", "z")
	s3, removed := s2.Remove("x")
	fmt.Println(s1.Len(), s2.Len(), added, s3.Len(), removed, s3.Has("x"), s1.Has("x"))
	fmt.Println(s3.Random(rand.New(rand.NewPCG(1, 2))) != "")
	// Output:
	// 2 3 1 2 1 false true
	// true
}

func ExampleDecode() {
	v := value.FromList(value.NewList("a", "b"))
	enc := value.AppendEncoded(nil, v)
	got, n, err := value.Decode(enc)
	fmt.Println(got.Kind(), got.List().Len(), n == len(enc), err, got.Equal(v))
	// Output: list 2 true <nil> true
}
