package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/memflux/memflux"
	"github.com/redis/go-redis/v9"
)

// TestLoadOrCreateTLS checks certificate generation (SPEC §1.4): both files written, the
// key PKCS#8 with mode 0600, the certificate for localhost; an existing pair is reused; a
// missing half regenerates both; garbage is an ErrTLS.
func TestLoadOrCreateTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "memflux.crt"), filepath.Join(dir, "memflux.key")
	if _, err := LoadOrCreateTLS(certFile, keyFile, nil); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", st.Mode().Perm())
	}
	keyPEM, _ := os.ReadFile(keyFile)
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("key file is not a PEM PRIVATE KEY block: %q", keyPEM)
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		t.Fatalf("key is not PKCS#8: %v", err)
	}
	certPEM, _ := os.ReadFile(certFile)
	cb, _ := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		t.Fatalf("cert file is not a PEM CERTIFICATE: %q", certPEM)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.VerifyHostname("localhost"); err != nil {
		t.Errorf("certificate does not cover localhost: %v", err)
	}
	if err := cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Errorf("certificate does not cover 127.0.0.1: %v", err)
	}

	// An existing pair is loaded as is.
	if _, err := LoadOrCreateTLS(certFile, keyFile, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(certFile); !bytes.Equal(again, certPEM) {
		t.Error("an existing certificate was regenerated")
	}

	// A missing key regenerates both.
	os.Remove(keyFile)
	if _, err := LoadOrCreateTLS(certFile, keyFile, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(certFile); bytes.Equal(again, certPEM) {
		t.Error("certificate not regenerated together with the missing key")
	}

	// Garbage is reported, not generated over.
	os.WriteFile(certFile, []byte("not a certificate"), 0o644)
	if _, err := LoadOrCreateTLS(certFile, keyFile, nil); !errors.Is(err, ErrTLS) {
		t.Errorf("garbage certificate: err = %v, want ErrTLS", err)
	}
	if _, err := LoadOrCreateTLS("", keyFile, nil); !errors.Is(err, ErrTLS) {
		t.Errorf("empty cert_file: err = %v, want ErrTLS", err)
	}
}

// TestTLS serves over TLS and talks to the server with go-redis, both without verifying
// the self-signed certificate (how clients usually connect) and verifying it against the
// generated file.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	tlsCfg, err := LoadOrCreateTLS(certFile, keyFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, func(cfg *memflux.Config, o *Options) {
		cfg.RequirePass = testPassword
		o.TLS = tlsCfg
	})
	ctx := context.Background()

	for _, proto := range []int{2, 3} {
		rdb := redis.NewClient(&redis.Options{
			Addr: ts.addr, Protocol: proto, Password: testPassword,
			TLSConfig: &tls.Config{InsecureSkipVerify: true},
		})
		if err := rdb.Set(ctx, "k", "over tls", 0).Err(); err != nil {
			t.Fatalf("resp=%d: SET over TLS: %v", proto, err)
		}
		if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "over tls" {
			t.Fatalf("resp=%d: GET over TLS = %q, %v", proto, v, err)
		}
		rdb.Close()
	}

	pool := x509.NewCertPool()
	certPEM, _ := os.ReadFile(certFile)
	pool.AppendCertsFromPEM(certPEM)
	verified := redis.NewClient(&redis.Options{
		Addr: ts.addr, Password: testPassword,
		TLSConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"},
	})
	defer verified.Close()
	if v, err := verified.Get(ctx, "k").Result(); err != nil || v != "over tls" {
		t.Fatalf("verified TLS GET = %q, %v", v, err)
	}

	// A plain-text client gets no RESP reply: the server expects a TLS handshake.
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(encodeCommand("PING")))
	c.SetReadDeadline(time.Now().Add(ioTimeout))
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	if bytes.Contains(buf[:n], []byte("PONG")) {
		t.Fatalf("plain-text PING answered on a TLS port: %q", buf[:n])
	}
}
