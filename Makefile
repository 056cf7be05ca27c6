# Leaktrail. `make run` starts it with everything it needs; `make test` runs every test.
GO ?= go
# bash with pipefail, so a failing command piped into tee still fails the target.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
GENERATED := graph/generated/generated.go graph/model/models_gen.go $(wildcard graph/*.resolvers.go) $(wildcard ui/web/src/gql/*.ts) ui/web/src/vocabulary.ts
UI_SOURCES := $(shell find ui/web/src ui/web/index.html ui/web/package.json ui/web/package-lock.json ui/web/vite.config.ts ui/web/tsconfig.json -type f -not -path '*/gql/*') $(wildcard schema/*.graphqls)

.PHONY: run test build generate check-generated vet ui ui-test

build: ui
	$(GO) build -o bin/leaktrail ./cmd/leaktrail

# The web UI, built into ui/dist/app (which the binary embeds) when its sources changed.
ui: ui/dist/app/index.html

ui/web/node_modules/.package-lock.json: ui/web/package-lock.json
	cd ui/web && npm ci --no-audit --no-fund

ui/dist/app/index.html: ui/web/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui/web && npm run --silent codegen && npm run --silent build

# The UI's component tests (Vitest under jsdom).
ui-test: ui/web/node_modules/.package-lock.json
	cd ui/web && npm test --silent

# Starts a private PostgreSQL, MinIO and Mailpit (installing or building them
# once), a demo case, and serves http://127.0.0.1:8080.
run: build
	./bin/leaktrail dev

generate: ui/web/node_modules/.package-lock.json
	$(GO) generate ./...
	cd ui/web && npm run --silent codegen

# Regenerates and fails if that changed anything: generated code is committed.
check-generated: ui/web/node_modules/.package-lock.json
	@before=$$(cat $(GENERATED) | sha256sum); \
	$(GO) generate ./... || exit 1; \
	(cd ui/web && npm run --silent codegen >/dev/null) || exit 1; \
	after=$$(cat $(GENERATED) | sha256sum); \
	if [ "$$before" != "$$after" ]; then \
		echo "generated code was stale: it is now regenerated; review and commit it"; exit 1; \
	fi

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# Every test, against a throwaway PostgreSQL, MinIO and Mailpit that withservices starts,
# then a short run of each fuzz target (their seed corpora also run as tests).
test: check-generated vet ui ui-test
	$(GO) run ./internal/cmd/withservices -- $(GO) test -race -count=1 ./...
	# The chat-export pipeline's pure packages at full scale (64 MiB parses,
	# hundreds of image cascades): under -race they run their short form.
	$(GO) test -count=1 ./chatexport/ ./fingerprint/ ./reconstruct/
	$(GO) run ./internal/cmd/withservices -- $(MAKE) --no-print-directory fuzz

# Each fuzz target for FUZZTIME (seconds each in `make test`; longer by hand).
# Inputs that fail are written to the package's testdata/fuzz and must be committed with the fix.
FUZZTIME ?= 5s
FUZZ_TARGETS = workflow:FuzzDecide spread:FuzzParseForwards evidence:FuzzUploadMetadata server:FuzzGraphQL
.PHONY: fuzz
# Go's fuzzer can end a run with "context deadline exceeded" when its time is
# up while it is still minimizing a new input: such a run found no failing
# input (it writes none), so it is run once more rather than failed.
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		log=/tmp/leaktrail-fuzz-$$name.log; \
		run() { $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) ./$$pkg/ >$$log 2>&1; }; \
		run || { grep -q 'context deadline exceeded' $$log && ! grep -q 'Failing input written' $$log && run; } || \
			{ tail -30 $$log; exit 1; }; \
	done

# The UI end-to-end run, keeping its screenshots of the main screens in docs/screenshots.
.PHONY: screenshots
screenshots: ui
	SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) run ./internal/cmd/withservices -- $(GO) test -count=1 -run 'TestUIEndToEnd|TestUIChat|TestUINotify' ./cmd/leaktrail/

# Speed figures, each beside its floor, then a table of them and the soak's
# result (LEAKTRAIL_SOAK=5m by default); not part of `make test`. BENCH picks
# the benchmarks (a regular expression; all of them by default).
BENCH ?= .
.PHONY: bench
bench: ui
	$(GO) run ./internal/cmd/withservices -- $(GO) test -run '^$$' -bench '$(BENCH)' -benchtime 3x -timeout 90m ./bench/ | tee bench.out
	# The leaked item's fingerprints against 1,000,000 messages (target ≤ 2 s)
	# and a reconstruction from 10,000 sightings (target ≤ 1 s), in memory.
	$(GO) test -run '^$$' -bench 'Match$$' -benchtime 1000000x ./fingerprint/ | tee -a bench.out
	$(GO) test -run '^$$' -bench 'Reconstruct$$' -benchtime 5x ./reconstruct/ | tee -a bench.out
