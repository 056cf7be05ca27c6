# Leaktrail. `make run` starts it with everything it needs; `make test` runs every test.
GO ?= go
GENERATED := graph/generated.go graph/model/models_gen.go $(wildcard graph/*.resolvers.go)

.PHONY: run test build generate check-generated vet

build:
	$(GO) build -o bin/leaktrail ./cmd/leaktrail

# Starts a private PostgreSQL and MinIO (installing or building them once), a
# demo case, and serves http://127.0.0.1:8080.
run: build
	./bin/leaktrail dev

generate:
	$(GO) generate ./...

# Regenerates and fails if that changed anything: generated code is committed.
check-generated:
	@before=$$(cat $(GENERATED) | sha256sum); \
	$(GO) generate ./... || exit 1; \
	after=$$(cat $(GENERATED) | sha256sum); \
	if [ "$$before" != "$$after" ]; then \
		echo "generated code was stale: it is now regenerated; review and commit it"; exit 1; \
	fi

vet:
	$(GO) vet ./...

# Every test, against a throwaway PostgreSQL and MinIO that withservices starts.
test: check-generated vet
	$(GO) run ./internal/cmd/withservices -- $(GO) test -race -count=1 ./...

# Speed figures, each beside its floor; not part of `make test`.
.PHONY: bench
bench:
	$(GO) run ./internal/cmd/withservices -- $(GO) test -run '^$$' -bench . -benchtime 3x -timeout 60m ./bench/
