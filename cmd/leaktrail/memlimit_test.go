package main

import (
	"errors"
	"testing"
)

func TestMemoryLimitFollowsTheContainerElseTheMachine(t *testing.T) {
	t.Parallel()
	meminfo := "MemTotal:       25165824 kB\nMemFree:        1000 kB\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"cgroup v2 limit", map[string]string{"/sys/fs/cgroup/memory.max": "2147483648\n", "/proc/meminfo": meminfo}, 2147483648 / 10 * 9},
		{"cgroup v2 without a limit", map[string]string{"/sys/fs/cgroup/memory.max": "max\n", "/proc/meminfo": meminfo}, 12 << 30},
		{"cgroup v1 limit", map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "1073741824", "/proc/meminfo": meminfo}, 1073741824 / 10 * 9},
		{"cgroup v1 unlimited", map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712", "/proc/meminfo": meminfo}, 12 << 30},
		{"nothing readable", map[string]string{}, 0},
	} {
		read := func(path string) ([]byte, error) {
			if v, ok := tc.files[path]; ok {
				return []byte(v), nil
			}
			return nil, errors.New("no such file")
		}
		if got := memoryLimit(read); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
