package parser

// Keywords are matched case-insensitively. The lexer resolves every word
// against this table once, so the parser compares canonical upper-case
// strings.
//
// Reserved keywords can never be a column name, table name or implicit
// alias (they may still follow AS, or a dot as in t.order). Everything else
// in the table is a non-reserved keyword: it means something only where the
// grammar expects it and is otherwise an ordinary identifier (a column may
// be called "key", "type", "date" or "level").
var reservedKeywords = []string{
	"ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST",
	"CHECK", "CONSTRAINT", "CREATE", "CROSS", "DEFAULT", "DESC", "DISTINCT",
	"ELSE", "END", "ESCAPE", "EXCEPT", "EXISTS", "FALSE", "FETCH", "FOREIGN",
	"FROM", "FULL", "GROUP", "HAVING", "ILIKE", "IN", "INNER", "INTERSECT",
	"INTO", "IS", "JOIN", "LATERAL", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT",
	"NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "PRIMARY", "REFERENCES",
	"RETURNING", "RIGHT", "SELECT", "SET", "SOME", "TABLE", "THEN", "TO",
	"TRUE", "UNION", "UNIQUE", "USING", "VALUES", "WHEN", "WHERE", "WINDOW",
	"WITH",
	// Niladic SQL functions written without parentheses.
	"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP",
}

var nonReservedKeywords = []string{
	"ACTION", "ADD", "ALTER", "BEGIN", "CASCADE", "COLUMN", "COMMIT", "CONFLICT",
	"DATA", "DELETE", "DO", "DROP", "EXPLAIN", "EXTRACT", "FIRST", "FOR", "IF",
	"INDEX", "INSERT", "KEY", "LAST", "NO", "NOTHING", "NULLS", "POSITION",
	"RECURSIVE", "RELEASE", "RENAME", "RESTRICT", "ROLLBACK", "SAVEPOINT",
	"SCHEMA", "START", "SUBSTRING", "TRANSACTION", "TRUNCATE", "TYPE", "UPDATE",
	"VIEW", "WORK",
}

// keywordInfo is the lexer's view of a keyword: the canonical (interned)
// spelling and whether it is reserved.
type keywordInfo struct {
	name     string
	reserved bool
}

var keywords = func() map[string]keywordInfo {
	m := make(map[string]keywordInfo, len(reservedKeywords)+len(nonReservedKeywords))
	for _, k := range reservedKeywords {
		m[k] = keywordInfo{name: k, reserved: true}
	}
	for _, k := range nonReservedKeywords {
		m[k] = keywordInfo{name: k}
	}
	return m
}()

// maxKeywordLen bounds the words worth looking up (longest keyword).
const maxKeywordLen = 17

// lookupKeyword resolves a word without allocating: it upper-cases ASCII
// into a stack buffer and relies on the compiler's map[string(bytes)]
// optimisation.
func lookupKeyword(w string) (keywordInfo, bool) {
	if len(w) > maxKeywordLen {
		return keywordInfo{}, false
	}
	var buf [maxKeywordLen]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	k, ok := keywords[string(buf[:len(w)])]
	return k, ok
}
