package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is how long a generated self-signed certificate is valid.
const certValidity = 10 * 365 * 24 * time.Hour

// LoadOrCreateTLS returns a TLS configuration serving the PEM certificate in certFile and
// the PEM private key (PKCS#8, or PKCS#1/SEC 1) in keyFile (SPEC §1.4). When either file
// is missing it first generates a self-signed ECDSA P-256 certificate for localhost,
// 127.0.0.1 and ::1 and writes both files (the key with mode 0600); log, if not nil, is told
// so. Errors wrap ErrTLS.
func LoadOrCreateTLS(certFile, keyFile string, log *slog.Logger) (*tls.Config, error) {
	if certFile == "" || keyFile == "" {
		return nil, fmt.Errorf("%w: cert_file and key_file must be set", ErrTLS)
	}
	missing, err := eitherMissing(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	if missing {
		if err := writeSelfSigned(certFile, keyFile); err != nil {
			return nil, err
		}
		if log != nil {
			log.Info("generated a self-signed TLS certificate", "cert_file", certFile, "key_file", keyFile)
		}
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("%w: load %s and %s: %w", ErrTLS, certFile, keyFile, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// eitherMissing reports whether certFile or keyFile does not exist.
func eitherMissing(certFile, keyFile string) (bool, error) {
	for _, f := range []string{certFile, keyFile} {
		_, err := os.Stat(f)
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("%w: %w", ErrTLS, err)
		}
	}
	return false, nil
}

// writeSelfSigned generates a self-signed certificate and its key and writes them as PEM.
func writeSelfSigned(certFile, keyFile string) error {
	certPEM, keyPEM, err := selfSigned(time.Now())
	if err != nil {
		return fmt.Errorf("%w: generate certificate: %w", ErrTLS, err)
	}
	if err := writeFileAtomic(keyFile, keyPEM, 0o600); err != nil {
		return err
	}
	return writeFileAtomic(certFile, certPEM, 0o644)
}

// selfSigned returns a PEM certificate for localhost and its PEM PKCS#8 ECDSA key.
func selfSigned(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"MemFlux self-signed"}},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	return certPEM, keyPEM, nil
}

// writeFileAtomic writes data to name through a temporary file in the same directory, so
// a crash never leaves a half-written file, and gives it mode perm.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".tmp*") // mode 0600
	if err != nil {
		return fmt.Errorf("%w: %w", ErrTLS, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%w: write %s: %w", ErrTLS, name, err)
	}
	return nil
}
