package command

import (
	"math"
	"testing"
)

// TestReplyAppendJSON pins the JSON form of nested replies shared by the C library and the
// database/sql driver.
func TestReplyAppendJSON(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    Reply
		want string
	}{
		{"ok", OK(), `"OK"`},
		{"status", Simple("PONG"), `"PONG"`},
		{"bulk", Bulk("a\"b\n"), `"a\"b\n"`},
		{"invalid utf8", Bulk("\xff"), `"` + "\uFFFD" + `"`},
		{"verbatim", Verbatim("txt"), `"txt"`},
		{"int", Int(-42), `-42`},
		{"double", Double(1.5), `1.5`},
		{"double integral", Double(3), `3`},
		{"double inf", Double(math.Inf(1)), `"inf"`},
		{"double nan", Double(math.NaN()), `"nan"`},
		{"nil", Nil(), `null`},
		{"nil array", Reply{Kind: KindNilArray}, `null`},
		{"array", Array([]Reply{Int(1), Bulk("x"), Nil()}), `[1,"x",null]`},
		{"empty array", Array(nil), `[]`},
		{"map", Map([]Reply{Bulk("a"), Int(1), Simple("b"), Array([]Reply{Int(2)})}), `{"a":1,"b":[2]}`},
		{"map with int key", Map([]Reply{Int(1), Bulk("x")}), `[1,"x"]`},
		{"map odd", Map([]Reply{Bulk("a")}), `["a"]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.r.AppendJSON(nil)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
