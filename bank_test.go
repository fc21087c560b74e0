package memflux_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/memflux/memflux"
)

const (
	bankAccounts = 100
	bankInitial  = 1000
	bankTotal    = bankAccounts * bankInitial
)

func account(i int) string { return fmt.Sprintf("acct:%03d", i) }

// balance parses a stored balance.
func balance(t *testing.T, b []byte, ok bool) int {
	t.Helper()
	if !ok {
		t.Errorf("account missing")
		return 0
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Errorf("bad balance %q: %v", b, err)
	}
	return n
}

// transferUpdate moves amount from one account to another with db.Update, retrying when
// Update gives up on conflicts. It reports whether money moved.
func transferUpdate(t *testing.T, db *memflux.DB, from, to, amount int) bool {
	for {
		moved := false
		err := db.Update(func(tx *memflux.Tx) error {
			moved = false
			fb, ok, err := tx.Get(account(from))
			if err != nil {
				return err
			}
			fv := balance(t, fb, ok)
			tb, ok, err := tx.Get(account(to))
			if err != nil {
				return err
			}
			tv := balance(t, tb, ok)
			if fv < amount {
				return nil
			}
			if err := tx.Set(account(from), []byte(strconv.Itoa(fv-amount))); err != nil {
				return err
			}
			moved = true
			return tx.Set(account(to), []byte(strconv.Itoa(tv+amount)))
		})
		if err == nil {
			return moved
		}
		if !errors.Is(err, memflux.ErrConflict) {
			t.Errorf("Update: %v", err)
			return false
		}
	}
}

// transferSession moves money with BEGIN / GET / SET / COMMIT on a session, retrying
// aborted commits.
func transferSession(t *testing.T, s *memflux.Session, from, to, amount int) bool {
	for {
		if _, err := s.Do("BEGIN"); err != nil {
			t.Errorf("BEGIN: %v", err)
			return false
		}
		r, err := s.Do("MGET", account(from), account(to))
		if err != nil {
			t.Errorf("MGET: %v", err)
			return false
		}
		fv, _ := strconv.Atoi(r.Elems[0].Str)
		tv, _ := strconv.Atoi(r.Elems[1].Str)
		if fv < amount {
			if _, err := s.Do("COMMIT"); err != nil {
				t.Errorf("read-only COMMIT: %v", err)
			}
			return false
		}
		for _, kv := range [][2]string{{account(from), strconv.Itoa(fv - amount)}, {account(to), strconv.Itoa(tv + amount)}} {
			if _, err := s.Do("SET", kv[0], kv[1]); err != nil {
				t.Errorf("SET: %v", err)
			}
		}
		_, err = s.Do("COMMIT")
		if err == nil {
			return true
		}
		if !errors.Is(err, memflux.ErrConflict) || err.Error() != "ABORT: Serialization failure, please retry transaction" {
			t.Errorf("COMMIT: %v", err)
			return false
		}
	}
}

// TestBank transfers money between accounts from 16 goroutines in serializable
// transactions while readers check in every snapshot that the total never changes.
func TestBank(t *testing.T) {
	db := openDB(t, "serializable")
	err := db.Update(func(tx *memflux.Tx) error {
		for i := range bankAccounts {
			if err := tx.Set(account(i), []byte(strconv.Itoa(bankInitial))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	duration := 2 * time.Second
	if testing.Short() {
		duration = 300 * time.Millisecond
	}
	deadline := time.Now().Add(duration)
	var transfers, checks atomic.Int64
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			s := db.NewSession()
			defer s.Close()
			for time.Now().Before(deadline) && !t.Failed() {
				from, to := rng.IntN(bankAccounts), rng.IntN(bankAccounts)
				if from == to {
					continue
				}
				amount := 1 + rng.IntN(100)
				var moved bool
				if w%2 == 0 {
					moved = transferUpdate(t, db, from, to, amount)
				} else {
					moved = transferSession(t, s, from, to, amount)
				}
				if moved {
					transfers.Add(1)
				}
			}
		}()
	}
	check := func(sum int, how string) {
		checks.Add(1)
		if sum != bankTotal {
			t.Errorf("%s: total %d, want %d", how, sum, bankTotal)
		}
	}
	// Readers: View with typed gets, and a session transaction with MGET and KEYS.
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := db.NewSession()
			defer s.Close()
			args := []string{"MGET"}
			for i := range bankAccounts {
				args = append(args, account(i))
			}
			for time.Now().Before(deadline) && !t.Failed() {
				if r == 0 {
					err := db.View(func(tx *memflux.Tx) error {
						sum := 0
						for i := range bankAccounts {
							b, ok, err := tx.Get(account(i))
							if err != nil {
								return err
							}
							v := balance(t, b, ok)
							if v < 0 {
								t.Errorf("negative balance %d", v)
							}
							sum += v
						}
						check(sum, "View")
						return nil
					})
					if err != nil {
						t.Errorf("View: %v", err)
					}
					continue
				}
				if _, err := s.Do("BEGIN"); err != nil {
					t.Errorf("BEGIN: %v", err)
					return
				}
				keys, err := s.Do("KEYS", "acct:*")
				if err != nil || len(keys.Elems) != bankAccounts {
					t.Errorf("KEYS = %d keys, %v", len(keys.Elems), err)
				}
				rep, err := s.Do(args...)
				if err != nil {
					t.Errorf("MGET: %v", err)
				}
				sum := 0
				for _, e := range rep.Elems {
					v, _ := strconv.Atoi(e.Str)
					sum += v
				}
				check(sum, "session MGET")
				if _, err := s.Do("COMMIT"); err != nil {
					t.Errorf("read-only COMMIT failed: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	err = db.View(func(tx *memflux.Tx) error {
		sum := 0
		for i := range bankAccounts {
			b, ok, err := tx.Get(account(i))
			if err != nil {
				return err
			}
			sum += balance(t, b, ok)
		}
		check(sum, "final")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if transfers.Load() == 0 || checks.Load() < 3 {
		t.Fatalf("too little work: %d transfers, %d checks", transfers.Load(), checks.Load())
	}
	t.Logf("%d transfers, %d total checks", transfers.Load(), checks.Load())
}
