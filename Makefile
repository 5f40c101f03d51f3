# A thin wrapper around CMake. On a fresh Debian 12 machine, as root:
#   make run    install missing packages, build, start the demo server
#   make test   the same set-up, then every test (unit, Lua flows, wire)
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)

.PHONY: all deps configure build run test test-asan bench format clean

all: build

deps:
	@sh tools/deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	./$(BUILD)/moonswitch

test: build
	@cd $(BUILD) && ctest --output-on-failure --timeout 300

# The same suite built with AddressSanitizer, LeakSanitizer and UBSan.
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DMS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure --timeout 600

bench: build
	@sh tools/deps.sh bench
	@bash tests/bench/flows.sh $(BUILD)
	@bash tests/bench/run.sh $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
