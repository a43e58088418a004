# CareCampus: the two commands are `make run` and `make test`.
# Everything else is here for developers: build, bench, format, fuzz, clean.

BUILD      ?= build
ASAN_BUILD ?= build/asan
FUZZ_BUILD ?= build/fuzz
DATA       ?= data
LISTEN     ?= 127.0.0.1:8080
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 15
C_SOURCES   = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find src tests fuzz scripts -name '*.[ch]')

MAKEFLAGS += --no-print-directory

.PHONY: all deps build run test bench format format-check fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) --target carecampus

# Seeds the demo college on first run (the command does nothing but print the
# logins when it is already there), then serves it.
run: build
	@$(BUILD)/carecampus demo --data $(DATA)
	@echo
	@echo "CareCampus is at http://$(LISTEN)  (Ctrl-C stops it)"
	@$(BUILD)/carecampus serve --data $(DATA) --listen $(LISTEN)

test: deps
	@bash scripts/test.sh

bench: build
	@bash bench/run.sh $(BUILD)/carecampus
	@bash bench/lrs.sh $(BUILD)
	@bash bench/credential.sh $(BUILD)
	@bash bench/sim.sh $(BUILD)
	@bash bench/mastery.sh $(BUILD)
	@bash bench/training.sh $(BUILD)
	@bash bench/literacy.sh $(BUILD)

format:
	@clang-format -i $(C_SOURCES)

format-check:
	@clang-format --dry-run --Werror $(C_SOURCES)

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCC_FUZZ=ON -DCC_SANITIZE=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS)
	@bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)
