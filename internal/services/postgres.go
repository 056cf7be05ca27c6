// Package services starts the PostgreSQL and MinIO servers Leaktrail needs on a
// machine that has none running: a private cluster and object store in a data
// folder, used by `leaktrail dev` and by the test command.
package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the postgres driver
)

// Postgres is a running private PostgreSQL server.
type Postgres struct {
	Dir      string
	Port     int
	Password string
	proc     *process
}

// PostgresOptions configure a private cluster.
type PostgresOptions struct {
	Dir  string // data folder; created and initialised when empty
	Port int    // TCP port on 127.0.0.1; 0 picks a free one
	// Throwaway turns off durability (fsync) for test clusters.
	Throwaway bool
	Log       io.Writer
}

// AdminURL is a DSN for the superuser to the given database.
func (p *Postgres) AdminURL(db string) string {
	return fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/%s?sslmode=disable", p.Password, p.Port, db)
}

// postgresBinDir finds the newest installed PostgreSQL server's bin folder.
func postgresBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	if len(dirs) > 0 {
		return filepath.Dir(dirs[0]), nil
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server found")
}

func pgMajor(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// EnsurePostgresInstalled returns the PostgreSQL bin folder, installing the
// server with apt when it is missing and this process may.
func EnsurePostgresInstalled(log io.Writer) (string, error) {
	if dir, err := postgresBinDir(); err == nil {
		return dir, nil
	}
	if err := AptInstall(log, "postgresql"); err != nil {
		return "", fmt.Errorf("PostgreSQL 15 or newer is not installed (set LEAKTRAIL_DATABASE_URL and use `leaktrail serve`, or install it): %w", err)
	}
	return postgresBinDir()
}

// EnsureCommand makes sure a command is on the PATH, installing its Debian
// package with apt when it is missing and this process may.
func EnsureCommand(log io.Writer, command, pkg string) error {
	if _, err := exec.LookPath(command); err == nil {
		return nil
	}
	if err := AptInstall(log, pkg); err != nil {
		return fmt.Errorf("%s is not installed: %w", command, err)
	}
	return nil
}

// AptInstall installs Debian packages with apt-get, as root, updating the
// package lists first when the install fails on stale ones.
func AptInstall(log io.Writer, pkgs ...string) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("run `sudo apt-get install %s`", strings.Join(pkgs, " "))
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("apt-get is not available to install %s", strings.Join(pkgs, " "))
	}
	fmt.Fprintf(log, "installing %s with apt-get (once) ...\n", strings.Join(pkgs, " "))
	install := func() error {
		cmd := exec.Command("apt-get", append([]string{"install", "-y", "--no-install-recommends"}, pkgs...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = log, log
		return cmd.Run()
	}
	if err := install(); err != nil {
		update := exec.Command("apt-get", "update")
		update.Stdout, update.Stderr = log, log
		if err := update.Run(); err != nil {
			return fmt.Errorf("apt-get update: %w", err)
		}
		if err := install(); err != nil {
			return fmt.Errorf("apt-get install %s: %w", strings.Join(pkgs, " "), err)
		}
	}
	return nil
}

// runAs returns the credential to run PostgreSQL with: initdb and postgres
// refuse to run as root, so root runs them as the postgres system user
// (created when missing).
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("create the postgres system user: %v: %s", err, out)
		}
		if u, err = user.Lookup("postgres"); err != nil {
			return nil, err
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func chownTree(dir string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(cred.Uid), int(cred.Gid))
	})
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartPostgres initialises the cluster in opts.Dir if needed and starts it.
func StartPostgres(ctx context.Context, opts PostgresOptions) (*Postgres, error) {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	bin, err := EnsurePostgresInstalled(opts.Log)
	if err != nil {
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	if opts.Port == 0 {
		if opts.Port, err = FreePort(); err != nil {
			return nil, err
		}
	} else if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", opts.Port)); err != nil {
		return nil, fmt.Errorf("port %d for PostgreSQL is in use (is another `leaktrail dev` running?)", opts.Port)
	} else {
		l.Close()
	}
	dataDir := filepath.Join(opts.Dir, "data")
	pwFile := filepath.Join(opts.Dir, "superuser-password")
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	// The postgres user must be able to reach the folder.
	if err := os.Chmod(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		if err := initdb(bin, dataDir, pwFile, cred, opts.Log); err != nil {
			return nil, err
		}
	}
	pw, err := os.ReadFile(pwFile)
	if err != nil {
		return nil, fmt.Errorf("read the cluster's superuser password: %w", err)
	}
	args := []string{"-D", dataDir, "-c", "listen_addresses=127.0.0.1", "-c", "port=" + strconv.Itoa(opts.Port),
		"-c", "unix_socket_directories=" + opts.Dir, "-c", "max_connections=300"}
	if opts.Throwaway {
		// pg_stat_statements lets the benchmarks count the statements a request runs.
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			"-c", "shared_preload_libraries=pg_stat_statements")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	logFile, err := os.OpenFile(filepath.Join(opts.Dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	proc, err := start(cmd, logFile)
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	p := &Postgres{Dir: opts.Dir, Port: opts.Port, Password: strings.TrimSpace(string(pw)), proc: proc}
	if err := p.waitReady(ctx); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

func initdb(bin, dataDir, pwFile string, cred *syscall.Credential, log io.Writer) error {
	if err := os.WriteFile(pwFile, []byte(randomSecret()+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	if err := chownTree(filepath.Dir(dataDir), cred); err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(bin, "initdb"), "-D", dataDir, "-U", "postgres", "--pwfile", pwFile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.RemoveAll(dataDir)
		return fmt.Errorf("initdb: %v: %s", err, lastLines(string(out), 5))
	}
	fmt.Fprintln(log, "initialised a PostgreSQL cluster in", dataDir)
	return nil
}

func (p *Postgres) waitReady(ctx context.Context) error {
	db, err := sqlx.Open("postgres", p.AdminURL("postgres")+"&connect_timeout=2")
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.proc.done:
			return fmt.Errorf("postgres exited: %v; see %s", p.proc.err, filepath.Join(p.Dir, "postgres.log"))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if err := db.PingContext(ctx); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not become ready: %v; see %s", err, filepath.Join(p.Dir, "postgres.log"))
		}
	}
}

// Stop shuts the server down (fast shutdown) and waits for it.
func (p *Postgres) Stop() { p.proc.stop(syscall.SIGINT) }

// Crash stops the server as `pg_ctl stop -m immediate` does (SIGQUIT): no
// checkpoint, so the next start recovers from the WAL, as after a power cut.
func (p *Postgres) Crash() { p.proc.stop(syscall.SIGQUIT) }

// process is a started child whose exit is observed once, by a goroutine.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func start(cmd *exec.Cmd, logFile *os.File) (*process, error) {
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// stop signals the child and waits for it to exit, killing it if it lingers.
func (p *process) stop(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(sig) //nolint:errcheck // it may exit meanwhile
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill() //nolint:errcheck
		<-p.done
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// CreateDatabase creates the database name unless it exists.
func (p *Postgres) CreateDatabase(ctx context.Context, name string) error {
	db, err := sqlx.Open("postgres", p.AdminURL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, `CREATE DATABASE `+pqQuoteIdent(name))
	return err
}

func pqQuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// PostgresDir returns dir when the PostgreSQL server can use it. Run as root,
// the server runs as the postgres user, which cannot enter a folder under a
// private one such as /root; then the cluster goes under /var/lib/leaktrail,
// in a folder named after dir so each data folder keeps its own cluster.
func PostgresDir(dir string) string {
	if os.Geteuid() != 0 || othersCanReach(filepath.Dir(dir)) {
		return dir
	}
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join("/var/lib/leaktrail", "postgres-"+hex.EncodeToString(sum[:6]))
}

// othersCanReach reports whether every folder from / down to dir lets others in.
func othersCanReach(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err == nil && fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}
