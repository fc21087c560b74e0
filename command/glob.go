package command

// GlobMatch reports whether s matches the Redis glob pattern p (SPEC §2.2 KEYS): `*` any
// run of bytes, `?` one byte, `[abc]` `[^a]` `[a-z]` byte classes, `\x` the literal x;
// every other byte matches itself. It follows Redis's stringmatchlen, iteratively with
// backtracking to the last star, so it runs in O(len(p)·len(s)) at worst.
func GlobMatch(p, s []byte) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				for pi < len(p) && p[pi] == '*' {
					pi++
				}
				if pi == len(p) {
					return true
				}
				starP, starS = pi, si
				continue
			case '?':
				pi++
				si++
				continue
			case '[':
				if n, ok := matchClass(p[pi:], s[si]); n > 0 {
					if ok {
						pi += n
						si++
						continue
					}
				} else if s[si] == '[' { // unterminated class: literal '['
					pi++
					si++
					continue
				}
			case '\\':
				if pi+1 < len(p) {
					if p[pi+1] == s[si] {
						pi += 2
						si++
						continue
					}
				} else if s[si] == '\\' {
					pi++
					si++
					continue
				}
			default:
				if p[pi] == s[si] {
					pi++
					si++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP, starS
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchClass matches byte c against the class at the start of p ("[...]"). It returns the
// class length (0 if the class is not terminated) and whether c is in it.
func matchClass(p []byte, c byte) (n int, ok bool) {
	i := 1
	neg := false
	if i < len(p) && p[i] == '^' {
		neg = true
		i++
	}
	match := false
	for ; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p):
			i++
			if p[i] == c {
				match = true
			}
		case p[i] == ']':
			return i + 1, match != neg
		case i+2 < len(p) && p[i+1] == '-' && p[i+2] != ']':
			lo, hi := p[i], p[i+2]
			if lo > hi {
				lo, hi = hi, lo
			}
			if lo <= c && c <= hi {
				match = true
			}
			i += 2
		default:
			if p[i] == c {
				match = true
			}
		}
	}
	return 0, false
}
