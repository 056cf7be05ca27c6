package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryLimit is the soft memory limit serve gives the Go runtime when
// GOMEMLIMIT is not set: 90 % of the container's limit (cgroup v2 or v1),
// or, outside a container, half the machine's memory, which PostgreSQL and
// the object store often share. Near it the collector works harder instead
// of letting the heap grow; the request and work budgets keep the live heap
// far below it. Zero when nothing could be read.
func memoryLimit(readFile func(string) ([]byte, error)) int64 {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := readFile(path)
		if err != nil {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		// "max", or v1's "unlimited" (a number near 2^63), mean no container limit.
		if err == nil && v > 0 && v < 1<<50 {
			return v / 10 * 9
		}
	}
	b, err := readFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kib << 10 / 2
			}
		}
	}
	return 0
}

// tuneMemory lets the heap grow to five times the live data between
// collections unless GOGC says otherwise: a server's live heap is small (tens
// of MiB), and at Go's default of 100 collection took a quarter of the CPU of
// a busy incident list (see docs/performance.md). Unless GOMEMLIMIT says
// otherwise, it caps the heap at memoryLimit. It returns the limit set.
func tuneMemory() int64 {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	if limit := memoryLimit(os.ReadFile); limit > 0 {
		debug.SetMemoryLimit(limit)
		return limit
	}
	return debug.SetMemoryLimit(-1)
}
