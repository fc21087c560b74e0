package logictest

import (
	"fmt"
	"strings"
	"testing"
)

// TestLimits checks the bounds of issue 5 ("Limits: query nesting depth and result size
// have bounds; exceeding them is a clear error") through the SQL command. The result-size
// case builds more than 10 million rows, so it runs only with -long.
func TestLimits(t *testing.T) {
	db := openDB(t)
	s := db.NewSession()
	defer s.Close()
	for _, tb := range []string{"la", "lb", "lc", "ld"} {
		for i := 0; i < 57; i++ {
			if res := do(s, "JSON.SET", fmt.Sprintf("%s:%d", tb, i), fmt.Sprintf(`{"x":%d}`, i)); res.reply.Kind == ReplyError {
				t.Fatal(res.describe())
			}
		}
	}
	expectErr := func(t *testing.T, text, want string) {
		t.Helper()
		res := sqlDo(s, text)
		if res.err == nil || !strings.HasPrefix(res.err.Error(), errPrefix+want) {
			t.Errorf("got %s, want an error starting %q", res.describe(), errPrefix+want)
		}
		if res := sqlDo(s, "SELECT COUNT(*) FROM la"); res.reply.Kind != ReplyArray {
			t.Errorf("session unusable after the limit error: %s", res.describe())
		}
	}
	t.Run("nesting", func(t *testing.T) {
		// Far beyond the bound: the parser must stop early, not exhaust the stack.
		const depth = 100_000
		expectErr(t, "SELECT "+strings.Repeat("(", depth)+"1"+strings.Repeat(")", depth)+" FROM la", "statement nested too deeply")
		expectErr(t, "SELECT x FROM la WHERE "+strings.Repeat("NOT ", depth)+"x = 1", "statement nested too deeply")
		expectErr(t, "SELECT x FROM la WHERE x IN "+strings.Repeat("(SELECT x FROM la WHERE x IN ", depth)+"(1)"+strings.Repeat(")", depth), "statement nested too deeply")
	})
	if *flagLong {
		t.Run("result_rows", func(t *testing.T) {
			// 57^4 = 10,556,001 rows > 10M.
			expectErr(t, "SELECT la.x FROM la CROSS JOIN lb CROSS JOIN lc CROSS JOIN ld", "result too large")
		})
	}
}
