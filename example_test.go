package memflux_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/memflux/memflux"
)

// openExample opens an in-memory database for the examples.
func openExample() *memflux.DB {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false
	db, err := memflux.Open(cfg)
	if err != nil {
		log.Fatal(err)
	}
	return db
}

func ExampleOpen() {
	cfg := memflux.DefaultConfig()
	cfg.Persistence = false // keep everything in memory: no WAL, no snapshot files
	cfg.IsolationLevel = "snapshot"
	db, err := memflux.Open(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println(db.Config().IsolationLevel)
	// Output: snapshot
}

func ExampleSession_Do() {
	db := openExample()
	defer db.Close()
	s := db.NewSession()
	defer s.Close()

	for _, cmd := range [][]string{
		{"SET", "greeting", "hello"},
		{"GET", "greeting"},
		{"LPUSH", "letters", "a", "b"},
		{"LRANGE", "letters", "0", "-1"},
		{"JSON.SET", "user:1", `{"name":"Ada","langs":["en"]}`},
		{"JSON.GET", "user:1.name"},
		{"LPUSH", "greeting", "x"},
	} {
		r, err := s.Do(cmd...)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(r)
	}
	// Output:
	// +OK
	// "hello"
	// :2
	// ["b" "a"]
	// +OK
	// "Ada"
	// error: WRONGTYPE Operation against a non-list value
}

// A session holds at most one open transaction, exactly like a client connection.
func ExampleSession_Do_transaction() {
	db := openExample()
	defer db.Close()
	a, b := db.NewSession(), db.NewSession()
	defer a.Close()
	defer b.Close()

	a.Do("BEGIN")
	a.Do("SET", "k", "v")
	r, _ := b.Do("GET", "k")
	fmt.Println("before commit:", r)
	a.Do("COMMIT")
	r, _ = b.Do("GET", "k")
	fmt.Println("after commit:", r)
	_, err := b.Do("COMMIT")
	fmt.Println(err)
	// Output:
	// before commit: (nil)
	// after commit: "v"
	// No transaction in progress
}

func ExampleDB_Update() {
	db := openExample()
	defer db.Close()

	// Update commits when the function returns nil and retries it on conflicts.
	err := db.Update(func(tx *memflux.Tx) error {
		if err := tx.Set("alice", []byte("100")); err != nil {
			return err
		}
		return tx.Set("bob", []byte("50"))
	})
	if err != nil {
		log.Fatal(err)
	}

	// An error rolls everything back.
	errInsufficient := errors.New("insufficient funds")
	err = db.Update(func(tx *memflux.Tx) error {
		if err := tx.Set("alice", []byte("0")); err != nil {
			return err
		}
		return errInsufficient
	})
	fmt.Println(err)

	db.View(func(tx *memflux.Tx) error {
		v, _, _ := tx.Get("alice")
		fmt.Printf("alice=%s\n", v)
		return nil
	})
	// Output:
	// insufficient funds
	// alice=100
}

func ExampleDB_View() {
	db := openExample()
	defer db.Close()
	db.Update(func(tx *memflux.Tx) error { return tx.Set("k", []byte("v1")) })

	// View reads a stable snapshot: a concurrent writer does not change what it sees.
	db.View(func(tx *memflux.Tx) error {
		db.Update(func(tx *memflux.Tx) error { return tx.Set("k", []byte("v2")) })
		v, ok, err := tx.Get("k")
		fmt.Println(string(v), ok, err)
		_, err = tx.Exec("SET", "k", "v3")
		fmt.Println(err)
		return nil
	})
	// Output:
	// v1 true <nil>
	// memflux: write in a read-only transaction
}

func ExampleTx_Get() {
	db := openExample()
	defer db.Close()
	db.Update(func(tx *memflux.Tx) error {
		tx.Set("k", []byte("v"))
		v, ok, err := tx.Get("k") // a transaction reads its own writes
		fmt.Println(string(v), ok, err)
		_, ok, err = tx.Get("missing")
		fmt.Println(ok, err)
		existed, err := tx.Delete("k")
		fmt.Println(existed, err)
		return nil
	})
	// Output:
	// v true <nil>
	// false <nil>
	// true <nil>
}

func ExampleTx_SetJSON() {
	db := openExample()
	defer db.Close()
	db.Update(func(tx *memflux.Tx) error {
		// Documents are stored canonically: compact, members sorted.
		if err := tx.SetJSON("user:1", []byte(`{"name": "Ada", "age": 36}`)); err != nil {
			return err
		}
		// A path sets a member, creating intermediate objects.
		return tx.SetJSON("user:1.address.city", []byte(`"London"`))
	})
	db.View(func(tx *memflux.Tx) error {
		doc, _, _ := tx.GetJSON("user:1")
		fmt.Println(string(doc))
		v, _, _ := tx.Get("user:1") // GET of a document returns its JSON too
		fmt.Println(string(v))
		return nil
	})
	// Output:
	// {"address":{"city":"London"},"age":36,"name":"Ada"}
	// {"address":{"city":"London"},"age":36,"name":"Ada"}
}

func ExampleTx_GetJSON() {
	db := openExample()
	defer db.Close()
	db.Update(func(tx *memflux.Tx) error {
		return tx.SetJSON("user:wal", []byte(`{"name":"wal","score":1.5e3,"tags":["a","b"]}`))
	})
	db.View(func(tx *memflux.Tx) error {
		for _, path := range []string{"user:wal.name", "user:wal.score", "user:wal.tags", "user:wal.tags.1", "user:wal.nope"} {
			v, ok, err := tx.GetJSON(path)
			fmt.Printf("%s: %s %v %v\n", path, v, ok, err)
		}
		_, _, err := tx.GetJSON(".name")
		fmt.Println(err)
		return nil
	})
	// Output:
	// user:wal.name: wal true <nil>
	// user:wal.score: 1500.0 true <nil>
	// user:wal.tags: ["a","b"] true <nil>
	// user:wal.tags.1: b true <nil>
	// user:wal.nope:  false <nil>
	// Invalid path: missing key
}
