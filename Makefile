# berth: one static binary per target. `make`, `make test`, `make CROSS=aarch64`,
# `make CROSS=armhf test-unit`, `make deps`, `make check-deps`, `make check-threads`, `make bench`,
# `make serve`.

CROSS ?=
ifeq ($(CROSS),)
  include cross/x86_64.mk
else
  include cross/$(CROSS).mk
  SYSROOT := build/sysroot/$(DEB_ARCH)
endif

BUILD := build/$(TRIPLE)
TP := build/third_party
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

# mbedTLS is built here for each target (third_party/mbedtls.sh: what berth uses, per-function
# sections); its headers come first, since its configuration shapes their structures.
MBEDTLS := $(BUILD)/mbedtls
CXXFLAGS := -std=c++23 -O2 -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
            -Isrc -isystem $(TP) -isystem $(MBEDTLS)/include -MMD -MP $(EXTRA_CXXFLAGS)
# gold's identical code folding merges functions whose code is the same byte for byte (mostly
# std:: and nlohmann::json instantiations that differ only in a type GCC erased), -458 KB of 9.34 MB
# stripped on aarch64. `safe` folds only functions whose address is never taken, so comparisons
# of function pointers (std::function's managers) keep their meaning. Debian's binutils have gold
# for the three targets and link the static glibc with it.
LDFLAGS := -L$(MBEDTLS) -static -pthread -Wl,--gc-sections -fuse-ld=gold -Wl,--icf=safe
LDLIBS := -lseccomp -lmbedtls -lmbedx509 -lmbedcrypto -lnettle -lzstd -lz -lm -ldl
ifdef SYSROOT
  CXXFLAGS += -isystem $(SYSROOT)/usr/include
  LDFLAGS += -L$(SYSROOT)/usr/lib/$(TRIPLE)
endif

LIB_SRC := $(filter-out src/main.cpp,$(shell find src -name '*.cpp' | sort))
# The replicated control plane's engine (issue 17): dqlite (Raft-replicated SQLite) with raft,
# libuv and lz4, Debian's static archives (third_party/deps.sh, cross/sysroot.sh), berth's client
# of its wire protocol, node wrapper and the store on it (src/store/dqlite/), and `berth serve
# --peers` and `berth peers` on them (src/cli/replicated/). berth-with-engine, the unit tests and
# the benchmark link it; the default `berth` (SQLite on a file) carries none of it and links
# NO_ENGINE_SRC instead, which answers --peers with the binary to use.
ENGINE_SRC := $(filter src/store/dqlite/% src/cli/replicated/%,$(LIB_SRC))
NO_ENGINE_SRC := src/cli/without_engine.cpp
LIB_SRC := $(filter-out $(ENGINE_SRC) $(NO_ENGINE_SRC),$(LIB_SRC))
# libuv and LZ4 are built here from Debian's sources with per-function sections (third_party/libuv.sh,
# lz4.sh): Debian's archives kept whole objects through --gc-sections. dqlite's and raft's source
# packages were not on the build host's mirror (2026-12-04), so theirs are still Debian's archives.
ENGINE_ARCHIVES := $(BUILD)/engine/libuv_a.a $(BUILD)/engine/liblz4.a
ENGINE_LIBS := -ldqlite -lraft $(ENGINE_ARCHIVES)
UNIT_SRC := $(shell find tests -name '*.cpp' -not -path 'tests/integration/*' -not -path 'tests/bench/*' \
              -not -path 'tests/fuzz/*' | sort)
LIB_OBJ := $(LIB_SRC:%.cpp=$(BUILD)/obj/%.o)
ENGINE_OBJ := $(ENGINE_SRC:%.cpp=$(BUILD)/obj/%.o)
NO_ENGINE_OBJ := $(NO_ENGINE_SRC:%.cpp=$(BUILD)/obj/%.o)
# The dashboard (src/api/ui/: hand-written HTML, CSS and JavaScript, no front-end tooling) is compiled into
# the binary: src/api/ui/embed.sh gzips each file into one generated source (target-independent, so every
# target and the fuzz build share it), served by api/ui_routes.cpp.
UI_FILES := $(sort $(wildcard src/api/ui/*.html src/api/ui/*.css src/api/ui/*.js))
UI_SRC := build/gen/ui_assets.cpp
# Their names, rewritten only when they change: a file removed from src/api/ui/ (no prerequisite
# newer than the generated source) still regenerates it, so the binary stops serving that file.
UI_LIST := build/gen/ui_files.list
$(shell mkdir -p build/gen && (echo '$(UI_FILES)' | cmp -s - $(UI_LIST) || echo '$(UI_FILES)' > $(UI_LIST)))
LIB_OBJ += $(UI_SRC:%.cpp=$(BUILD)/obj/%.o)
# The unit tests compile as one translation unit per directory of tests/ (its subdirectories too):
# build/gen/unit/<dir>.cpp includes the directory's test files, rewritten only when that list
# changes. A directory's files instantiate the same fixtures, json codecs and Catch2 templates, so
# one compiler run does that work once: 1,110 s of CPU as 254 files, about 200 s as 10 (x86_64,
# 2026-12-06). Each test file keeps its code in a namespace named after the file, so helpers of the
# same name in two files stay apart.
UNIT_TEST_SRC := $(filter-out tests/main.cpp,$(UNIT_SRC))
# A file directly in tests/ would have no directory to be compiled with.
UNIT_TOP_LEVEL := $(filter $(addprefix tests/,$(notdir $(UNIT_TEST_SRC))),$(UNIT_TEST_SRC))
$(if $(UNIT_TOP_LEVEL),$(error unit tests belong in a directory of tests/, compiled as one with it: $(UNIT_TOP_LEVEL)))
UNIT_DIRS := $(sort $(foreach f,$(UNIT_TEST_SRC),$(word 2,$(subst /, ,$(f)))))
UNIT_GROUP_DIR := build/gen/unit
HASH := \#
unit_group_text = printf '$(HASH)include "%s"\n' $(filter tests/$(1)/%,$(UNIT_TEST_SRC))
$(foreach d,$(UNIT_DIRS),$(shell mkdir -p $(UNIT_GROUP_DIR) && ($(call unit_group_text,$(d)) | \
  cmp -s - $(UNIT_GROUP_DIR)/$(d).cpp || $(call unit_group_text,$(d)) > $(UNIT_GROUP_DIR)/$(d).cpp)))
UNIT_OBJ := $(UNIT_DIRS:%=$(BUILD)/obj/tests/%_tests.o) $(BUILD)/obj/tests/main.o
# One test file's own object, made only when asked for (a quick check of that file alone), with
# the flags and precompiled header of the groups.
UNIT_FILE_OBJ := $(UNIT_TEST_SRC:%.cpp=$(BUILD)/obj/%.o)
BERTH := $(BUILD)/berth
UNIT := $(BUILD)/berth-unit-tests

.PHONY: all test test-unit test-integration deps deps-host deps-fuzz check-deps check-threads bench fuzz fuzz-build serve clean dist unit test-vm test-vm-gateway test-vm-powercut bench-vm
.DEFAULT_GOAL := all

all: $(BERTH) $(BUILD)/berth-with-engine

# The unit-test binary alone (the VM tests run it in the guest).
unit: $(UNIT)

$(UI_SRC): src/api/ui/embed.sh $(UI_FILES) $(UI_LIST)
	@mkdir -p $(dir $@)
	src/api/ui/embed.sh $@ $(UI_FILES)

$(TP)/httplib.h: third_party/httplib.sh
	third_party/httplib.sh $(TP)

# nlohmann/json's header without its literals, which cost every file 0.5 s of CPU (third_party/json.sh).
# Every object depends on it (-MMD leaves -isystem headers out of the .d files); those with a
# precompiled header through it.
JSON_H := $(TP)/nlohmann/json.hpp
$(JSON_H): third_party/json.sh $(wildcard /usr/include/nlohmann/json.hpp)
	third_party/json.sh $(TP)

# SQLite, compiled here from its amalgamation (third_party/sqlite.sh) with only what berth uses:
# the SQL berth runs needs JSON (json_each, json_extract), foreign keys and WAL, nothing loaded at
# run time, no UTF-16, no tracing, authorizer or progress callback, no shared cache. -Os: a
# statement's time is mostly spent in the B-tree and the pager waiting on the page cache and fsync.
# Declared column types are kept (no OMIT_DECLTYPE): dqlite calls sqlite3_column_decltype to type
# a query's values on the wire; the other omissions are of APIs dqlite 1.11 never calls (its
# undefined symbols, nm -u libdqlite.a). SECURE_DELETE as Debian builds it: a deleted secret or log event is overwritten in the file, not
# left in a free page. DEFAULT_MEMSTATUS=0 takes the global mutex off every allocation.
# The HAVE_ flags say what glibc has, as SQLite's configure finds it (Debian's libsqlite3 has them
# all); the amalgamation assumes none. Without HAVE_USLEEP a connection waiting on another's lock
# (the busy timeout) slept whole seconds: a writer held up 30 ms by another connection's write
# waited 1,002 ms. Without HAVE_FDATASYNC every sync was an fsync (the file's times journalled too),
# and without HAVE_PREAD/HAVE_PWRITE every page read or written took an lseek first.
SQLITE_FLAGS := -Os -ffunction-sections -fdata-sections -DSQLITE_THREADSAFE=1 -DSQLITE_SECURE_DELETE \
  -DHAVE_USLEEP=1 -DHAVE_FDATASYNC=1 -DHAVE_PREAD=1 -DHAVE_PWRITE=1 -DHAVE_LOCALTIME_R=1 -DHAVE_GMTIME_R=1 \
  -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_DQS=0 -DSQLITE_MAX_EXPR_DEPTH=0 \
  -DSQLITE_OMIT_DEPRECATED -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_SHARED_CACHE \
  -DSQLITE_OMIT_PROGRESS_CALLBACK -DSQLITE_OMIT_GET_TABLE -DSQLITE_OMIT_TCL_VARIABLE -DSQLITE_OMIT_UTF16 \
  -DSQLITE_OMIT_COMPLETE -DSQLITE_OMIT_AUTHORIZATION -DSQLITE_OMIT_TRACE
SQLITE_OBJ := $(BUILD)/obj/third_party/sqlite3.o
# The flags as written, rewritten only when they change: editing the Makefile elsewhere does not
# recompile SQLite (a minute and a half on two cores).
SQLITE_FLAGS_FILE := $(BUILD)/sqlite.flags
$(shell mkdir -p $(BUILD) && (echo '$(CC) $(SQLITE_FLAGS) $(EXTRA_CXXFLAGS)' | cmp -s - $(SQLITE_FLAGS_FILE) || \
  echo '$(CC) $(SQLITE_FLAGS) $(EXTRA_CXXFLAGS)' > $(SQLITE_FLAGS_FILE)))
$(TP)/sqlite3.c $(TP)/sqlite3.h &: third_party/sqlite.sh
	third_party/sqlite.sh $(TP)
$(SQLITE_OBJ): $(TP)/sqlite3.c $(SQLITE_FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CC) $(SQLITE_FLAGS) $(EXTRA_CXXFLAGS) -c $< -o $@

# mbedTLS (third_party/mbedtls.sh), rebuilt when its recipe changes; every object that sees its
# headers (directly or through one of ours) is compiled again with it. -MMD does not record them
# (-isystem), hence the list.
MBEDTLS_LIBS := $(MBEDTLS)/libmbedtls.a $(MBEDTLS)/libmbedx509.a $(MBEDTLS)/libmbedcrypto.a
MBEDTLS_HEADERS := $(shell grep -rl '<mbedtls/' src --include='*.hpp')
MBEDTLS_USERS := $(shell grep -rlF -e '<mbedtls/' $(MBEDTLS_HEADERS:src/%=-e '"%"') src tests --include='*.cpp')
$(MBEDTLS_LIBS) &: third_party/mbedtls.sh third_party/debian_source.sh
	third_party/mbedtls.sh $(MBEDTLS) $(CC) $(patsubst %gcc,%ar,$(CC))
$(MBEDTLS_USERS:%.cpp=$(BUILD)/obj/%.o): $(MBEDTLS_LIBS)

$(BUILD)/engine/libuv_a.a: third_party/libuv.sh third_party/debian_source.sh
	third_party/libuv.sh $(BUILD)/engine $(CC) $(patsubst %gcc,%ar,$(CC))
$(BUILD)/engine/liblz4.a: third_party/lz4.sh third_party/debian_source.sh
	third_party/lz4.sh $(BUILD)/engine $(CC) $(patsubst %gcc,%ar,$(CC))

ifdef SYSROOT
$(SYSROOT)/.done: cross/sysroot.sh
	cross/sysroot.sh $(DEB_ARCH) $(TRIPLE) $(SYSROOT)
	touch $@
$(LIB_OBJ) $(ENGINE_OBJ) $(NO_ENGINE_OBJ) $(UNIT_OBJ) $(BUILD)/obj/src/main.o $(BUILD)/pch/src/precompiled.hpp.gch $(BUILD)/pch/tests/precompiled.hpp.gch: | $(SYSROOT)/.done
endif

$(BUILD)/obj/tests/%.o: CXXFLAGS += -Itests
# The field table test reads the README it mirrors.
$(BUILD)/obj/tests/model_tests.o $(BUILD)/obj/tests/model/task_definition_fields_test.o: CXXFLAGS += -DBERTH_SOURCE_DIR='"$(CURDIR)"'
# cpp-httplib reads a body 4 KiB per recv() (and a select() before each) unless told otherwise: a
# layer download took 33,000 system calls for 64 MiB. Every file that includes httplib.h gets the
# same size, or its inline functions would differ between them (the fuzz build has only one).
HTTPLIB_OBJ := $(BUILD)/obj/src/runtime/http/plain_transport.o $(BUILD)/obj/src/api/local_client.o
$(HTTPLIB_OBJ): CXXFLAGS += -DCPPHTTPLIB_RECV_BUFSIZ='size_t(65536u)'
# A write to a peer gone (or to a socket a cancelled call shut down) is an error, not SIGPIPE:
# not every process that calls (the benchmark's hollow agents, the tests) ignores the signal.
$(HTTPLIB_OBJ): CXXFLAGS += -DCPPHTTPLIB_SEND_FLAGS=MSG_NOSIGNAL
$(HTTPLIB_OBJ): Makefile
# Only the version text depends on the commit; rebuilt whenever HEAD moves.
$(BUILD)/obj/src/cli/usage.o: CXXFLAGS += -DBERTH_VERSION='"$(VERSION)"'
$(BUILD)/obj/src/cli/usage.o: $(wildcard .git/HEAD .git/index)

# Precompiled headers (src/precompiled.hpp, tests/precompiled.hpp): built once per target with the
# objects' own flags and force-included; -Winvalid-pch under -Werror fails a build that would
# silently parse them again. sched/ and place/ are compiled without (they use no third-party
# header, tests/check-deps.sh), and tests/main.o has its own flags.
PCH_DIR := $(BUILD)/pch
LIB_PCH := $(PCH_DIR)/src/precompiled.hpp
UNIT_PCH := $(PCH_DIR)/tests/precompiled.hpp
$(PCH_DIR)/%.hpp.gch: %.hpp src/precompiled.hpp $(JSON_H) | $(TP)/httplib.h $(TP)/sqlite3.h
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -x c++-header $< -o $@

NO_PCH_OBJ := $(filter $(BUILD)/obj/src/sched/% $(BUILD)/obj/src/place/%,$(LIB_OBJ))
$(filter-out $(NO_PCH_OBJ),$(LIB_OBJ)) $(ENGINE_OBJ) $(NO_ENGINE_OBJ) $(BUILD)/obj/src/main.o: $(LIB_PCH).gch
$(filter-out $(BUILD)/obj/tests/main.o,$(UNIT_OBJ)) $(UNIT_FILE_OBJ): $(UNIT_PCH).gch
# From a precompiled header the standard library's code no longer counts as a system header's, so
# GCC 12 reports its known false positives on the libstdc++ string copies it inlines into our
# concatenations (-Warray-bounds, -Wstringop-overread/-overflow, -Wrestrict, which GCC otherwise
# keeps quiet in system headers); PCH_QUIET turns off just those. Real overruns are ASan's to
# find (the fuzz build), and sched/ and place/ keep the full set.
PCH_QUIET := -Wno-array-bounds -Wno-stringop-overread -Wno-stringop-overflow -Wno-restrict
PCH_FLAGS = -include $(LIB_PCH) -Winvalid-pch $(PCH_QUIET)
$(BUILD)/obj/tests/%.o: PCH_FLAGS = -include $(UNIT_PCH) -Winvalid-pch $(PCH_QUIET)
# The unit tests' own code (not the code they test, which keeps -O2) is compiled unoptimized: at
# -O2 GCC spends most of a test file's time optimizing Catch2's expanded assertions, and CI
# compiles the tests for three targets (task_sets_test.cpp: 0.59x the CPU time at -O0, farm-bench).
# The later -O wins; their precompiled header must match. The benchmarks keep -O2, without it.
$(filter-out $(BUILD)/obj/tests/main.o,$(UNIT_OBJ)) $(UNIT_FILE_OBJ) $(UNIT_PCH).gch: CXXFLAGS += -O0
$(BUILD)/obj/tests/bench/%.o: PCH_FLAGS =
$(NO_PCH_OBJ): PCH_FLAGS =

# Size (DESIGN §9: the stripped aarch64 binary <= 8 MB). The cold layers are compiled with -Os:
# model/ (codecs and request shapes), store/, cli/ (verbs), api/'s dispatch tables (and the
# dashboard's file route, -8 KB on x86_64; it runs once per page load) and the svc/
# use cases of configuration objects and logs (COLD_SVC) run once per request or command, and are
# mostly nlohmann::json and std:: code expanded per type, which -O2 inlines and grows most. agent/
# acts once per task change or pass (its part of a start is about 1 ms beside runc's 40).
# The runtime's process control (runc/, the shim's main loop and attach socket, the OCI spec,
# the seccomp profile, CNI calls) and the image store's bookkeeping (IMAGE_BOOKKEEPING) are -Os
# too: they spend their time waiting on the processes they start (runc, CNI plugins) or on disk;
# berth's own part of a start measured 4.35 ms after the change (4.9 before, within noise).
# Run once or by hand, also -Os: the configuration's parser (common/config), the serving
# certificate's loading and generation, `berth doctor`'s probes and checks, ExecuteCommand, and the
# engine's client and node (store/dqlite/, store code like the rest of store/).
# sched/, place/, the rest of common/, the HTTP event loop and client, auth, the image pipeline (download,
# decompression, digest, unpack), the shim's log writer and the svc/ of tasks, services, metrics
# and agents (the start, replacement and sampling paths) keep -O2.
# aarch64 stripped, 2026-12-03: 9.34 MB all -O2; 8.55 MB with model/ store/ cli/ and dispatch at
# -Os (-786 KB); 8.22 MB with COLD_SVC too (-328 KB); 7.77 MB with gold's ICF (LDFLAGS).
# The joined agent, the CLI verbs, CloudWatch Logs and the dashboard brought it to 8.29 MB;
# agent/ and svc/cloudwatch_logs at -Os: see the README's size row. The stripped size moves in
# steps of 64 KiB (the segments' alignment): --endpoint, store-and-forward and the host log
# drivers made it 8.16 MB; the runtime's process control and image bookkeeping at -Os, 7.96 MB.
# SQLite compiled here with only what berth uses (SQLITE_FLAGS) instead of Debian's archive: 7.30 MB.
# Load balancing, Cloud Map, DNS over TCP, the log options and relayed logs: 8.02 MB; their use
# cases (svc/elb_*, service_discovery*, service_registrations, remote_exec*, relay_sessions), the
# ELB codecs and the LB rules and probes at -Os: 7.89 MB (2026-12-04).
# Room for the replicated store's engine (issue 17; berth-with-engine), 2026-12-04,
# berth / berth-with-engine stripped on aarch64 from 7.89 / 8.48 MB: mbedTLS built here with what
# berth uses (third_party/mbedtls.sh) 7.57 / 8.16 MB; the engine's libuv and LZ4 built here with
# per-function sections (third_party/libuv.sh, lz4.sh) 7.57 / 8.02 MB; Prometheus values without
# std::to_chars(double) (libstdc++ keeps Ryu's tables with it) 7.43 / 7.89 MB; the configuration,
# certificate, doctor, ExecuteCommand and engine client objects at -Os 7.37 / 7.76 MB.
# Its price (x86_64, bench.py, three interleaved runs each on this loaded 2-core machine):
# DescribeTaskDefinition over 8 connections 16.7-17.7k req/s against 19.8-22.8k all -O2.
# -Os defines __OPTIMIZE_SIZE__, so these objects have a precompiled header of their own;
# `private` keeps their flags out of the shared header when make builds it for one of them.
# Moving a file between the lists does not rebuild it (only its size depends on it).
COLD_SVC := access_keys account_settings capacity_providers cluster_join clusters container_instances \
            daemon_task_definitions daemons logs metric_alarms parameters scaling_policies \
            scaling_runner scaling_targets schedule_groups schedule_runner scheduled_scaling schedules \
            secrets tags task_protection time_zones usage cloudwatch_logs secret_references \
            elb elb_catalog elb_drain elb_live_targets elb_load_balancers elb_names elb_ports elb_state \
            elb_target_groups elb_worker service_discovery service_discovery_paging service_registrations \
            remote_exec remote_exec_requests relay_sessions execute_command
IMAGE_BOOKKEEPING := image_store image_manifest platform_choice registry_auth image_gc
COLD_OBJ := $(filter $(BUILD)/obj/src/model/% $(BUILD)/obj/src/store/% $(BUILD)/obj/src/cli/% $(BUILD)/obj/src/agent/% \
              $(BUILD)/obj/src/api/%_dispatch.o $(BUILD)/obj/src/api/ecs_actions.o \
              $(BUILD)/obj/src/api/refused_action.o $(BUILD)/obj/src/api/ui_routes.o $(BUILD)/obj/src/api/ui_streams.o \
              $(BUILD)/obj/src/api/elb_codecs.o $(BUILD)/obj/src/api/query_form.o $(BUILD)/obj/src/api/query_xml.o \
              $(BUILD)/obj/src/runtime/lb/nat_rules.o $(BUILD)/obj/src/runtime/lb/target_probe.o \
              $(BUILD)/obj/src/api/local_client.o $(BUILD)/obj/src/runtime/network/% \
              $(BUILD)/obj/src/runtime/oci_spec.o $(BUILD)/obj/src/runtime/linux/seccomp_profile.o \
              $(BUILD)/obj/src/runtime/runc/% $(BUILD)/obj/src/runtime/shim/shim.o \
              $(BUILD)/obj/src/runtime/shim/attach_%.o \
              $(BUILD)/obj/src/common/config.o $(BUILD)/obj/src/api/tls/tls_certificate.o \
              $(BUILD)/obj/src/runtime/linux/host_probes.o $(BUILD)/obj/src/runtime/linux/host_checks.o \
              $(IMAGE_BOOKKEEPING:%=$(BUILD)/obj/src/runtime/image/%.o) \
              $(COLD_SVC:%=$(BUILD)/obj/src/svc/%.o),$(LIB_OBJ) $(ENGINE_OBJ))
COLD_PCH := $(PCH_DIR)/cold/src/precompiled.hpp
$(COLD_OBJ): $(COLD_PCH).gch
$(COLD_OBJ): private CXXFLAGS += -Os
$(COLD_OBJ): private PCH_FLAGS = -include $(COLD_PCH) -Winvalid-pch $(PCH_QUIET)
$(COLD_PCH).gch: src/precompiled.hpp $(JSON_H) | $(TP)/httplib.h
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -Os -x c++-header $< -o $@

$(BUILD)/obj/%.o: %.cpp $(JSON_H) | $(TP)/httplib.h $(TP)/sqlite3.h
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(PCH_FLAGS) -c $< -o $@

# A group's includes name the test files from the top of the tree (-iquote .).
$(BUILD)/obj/tests/%_tests.o: $(UNIT_GROUP_DIR)/%.cpp $(JSON_H) | $(TP)/httplib.h $(TP)/sqlite3.h
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -iquote . $(PCH_FLAGS) -c $< -o $@

# Catch2's single header is large; its main is compiled once and without our warning set.
$(BUILD)/obj/tests/main.o: tests/main.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++23 -O1 -MMD -MP $(EXTRA_CXXFLAGS) -c $< -o $@

$(BERTH): $(LIB_OBJ) $(NO_ENGINE_OBJ) $(SQLITE_OBJ) $(BUILD)/obj/src/main.o
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT): $(LIB_OBJ) $(ENGINE_OBJ) $(SQLITE_OBJ) $(UNIT_OBJ) $(ENGINE_ARCHIVES)
	$(CXX) $(LDFLAGS) -o $@ $(filter-out %.a,$^) $(ENGINE_LIBS) $(LDLIBS)

# Write latency and RSS of the engine against the SQLite file (tests/bench/replicated_store_bench.cpp).
REPLICATED_BENCH := $(BUILD)/berth-replicated-store-bench
$(REPLICATED_BENCH): $(LIB_OBJ) $(ENGINE_OBJ) $(SQLITE_OBJ) $(BUILD)/obj/tests/bench/replicated_store_bench.o $(ENGINE_ARCHIVES)
	$(CXX) $(LDFLAGS) -o $@ $(filter-out %.a,$^) $(ENGINE_LIBS) $(LDLIBS)

# berth with the replicated control plane's engine: `berth serve --peers` and `berth peers` (the
# README's "Replicated control plane" says why a binary of its own). Built by `all`.
ENGINE_BERTH := $(BUILD)/berth-with-engine
$(ENGINE_BERTH): $(LIB_OBJ) $(ENGINE_OBJ) $(SQLITE_OBJ) $(BUILD)/obj/src/main.o $(ENGINE_ARCHIVES)
	$(CXX) $(LDFLAGS) -o $@ $(filter-out %.a,$^) $(ENGINE_LIBS) $(LDLIBS)

PLACEMENT_BENCH := $(BUILD)/berth-placement-bench
$(PLACEMENT_BENCH): $(LIB_OBJ) $(SQLITE_OBJ) $(BUILD)/obj/tests/bench/placement_bench.o
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

LOG_STORE_BENCH := $(BUILD)/berth-log-store-bench
$(LOG_STORE_BENCH): $(LIB_OBJ) $(SQLITE_OBJ) $(BUILD)/obj/tests/bench/log_store_bench.o
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The cluster-scale benchmark's hollow agents (tests/bench/hollow_agents.cpp): a binary of its own,
# so `berth` does not carry them.
HOLLOW_AGENTS := $(BUILD)/berth-hollow-agents
$(HOLLOW_AGENTS): $(LIB_OBJ) $(SQLITE_OBJ) $(BUILD)/obj/tests/bench/hollow_agents.o
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

METRICS_BENCH := $(BUILD)/berth-metrics-scrape-bench
$(METRICS_BENCH): $(LIB_OBJ) $(SQLITE_OBJ) $(BUILD)/obj/tests/bench/metrics_scrape_bench.o
	$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	third_party/deps.sh all
	cross/sysroot.sh arm64 aarch64-linux-gnu build/sysroot/arm64 && touch build/sysroot/arm64/.done
	cross/sysroot.sh armhf arm-linux-gnueabihf build/sysroot/armhf && touch build/sysroot/armhf/.done

deps-host:
	third_party/deps.sh host
	third_party/deps.sh js

IMAGES := build/images
$(IMAGES)/busybox.tar: rootfs/busybox-image.sh
	rootfs/busybox-image.sh $(IMAGES)

# Under qemu-user the [root] tests (real runc containers) cannot run: they run on the host. Nor
# can the [kernel_aio] ones (dqlite nodes): qemu-user does not emulate io_setup, which raft's
# disk I/O needs; the VM tests (tests/vm, a real ARM kernel) run them.
ifdef QEMU
test-unit: $(UNIT)
	$(QEMU) $(UNIT) '~[root]~[kernel_aio]'
else
test-unit: $(UNIT) $(IMAGES)/busybox.tar $(BERTH)
	$(UNIT)
endif

# test_replicated_plane runs berth-with-engine, found beside berth.
test-integration: $(BERTH) $(ENGINE_BERTH)
	tests/integration/run.sh $(BERTH)

# The whole suite; its last line is `N passed, N failed`.
test: deps-host
	$(MAKE) --no-print-directory -j$(shell nproc) $(BERTH) $(ENGINE_BERTH) $(UNIT) $(IMAGES)/busybox.tar
	tests/run.sh $(BUILD)

# Flashable artefacts for this target (CROSS=aarch64|armhf for ARM): a .deb and a tarball with
# OpenRC and sysvinit scripts, in build/dist/.
dist: $(BERTH)
	rootfs/dist.sh $(BERTH) $(STRIP) $(DEB_ARCH) build/dist
	if command -v lintian >/dev/null; then lintian --fail-on error,warning build/dist/berth_*_$(DEB_ARCH).deb; fi

# The suite inside a Debian 12 VM with pure cgroup v2 (tests/vm/), on the binaries built for its
# architecture: ARCH=amd64|arm64, TESTS= integration modules/classes to run (all by default).
ARCH ?= amd64
ROUNDS ?= 20
VM_CROSS_amd64 :=
VM_CROSS_arm64 := aarch64
VM_MAKE = $(MAKE) --no-print-directory -j$(shell nproc) CROSS=$(VM_CROSS_$(ARCH))
test-vm:
	third_party/deps.sh vm
	$(VM_MAKE) all unit
	tests/vm/run.sh $(ARCH) $(TESTS)

# The gateway scenarios in the VM on the .deb: install, quick start, offline reboot; 128 MiB.
test-vm-gateway:
	third_party/deps.sh vm
	$(VM_MAKE) dist
	tests/vm/scenario.sh $(ARCH) gateway
	tests/vm/scenario.sh $(ARCH) small

# A benchmark in the VM of ARCH, on the binaries built for it: BENCH=pull_bench runs
# tests/bench/pull_bench.py (what a gateway's CPU makes of SHA-256 and gzip).
BENCH ?= pull_bench
bench-vm:
	third_party/deps.sh vm
	$(VM_MAKE) all
	tests/vm/bench.sh $(ARCH) $(BENCH)

# ROUNDS power cuts of the VM while a client streams acknowledged writes.
test-vm-powercut:
	third_party/deps.sh vm
	$(VM_MAKE) dist
	tests/vm/powercut.sh $(ARCH) $(ROUNDS)

check-deps:
	tests/check-deps.sh

# Clang's thread-safety analysis over every source file (common/thread_annotations.hpp): touching
# a guarded member without its lock fails. clang 16 comes with deps-fuzz, the headers it reads
# with the host's packages (not deps-host: the JavaScript SDK is not needed here).
check-threads: deps-fuzz
	third_party/deps.sh host
	$(MAKE) --no-print-directory $(TP)/httplib.h $(TP)/sqlite3.h $(JSON_H)
	tests/check-threads.sh $(CLANG_CXX) $(TP) $(CLANG_STD)

bench: deps
	tests/bench/run.sh

# clang 16 (deps-fuzz) for the fuzzers and check-threads: it implements what libstdc++ 12's
# <expected> needs but does not yet advertise it.
CLANG_CXX := clang++-16
CLANG_STD := -std=c++2b -U__cpp_concepts -D__cpp_concepts=202002L

# Fuzzing (libFuzzer, clang with ASan and UBSan): every tests/fuzz/<name>_fuzz.cpp is one harness,
# seeded from tests/fuzz/corpus/<name>/. `make fuzz` runs each for FUZZ_SECONDS, by hand (not in
# CI, whose time the fuzz build's compile would take: README, "What CI runs");
# `make fuzz FUZZ_SECONDS=600` is the long run. The working corpus lives under build/.
FUZZ_CXX := $(CLANG_CXX)
FUZZ_FLAGS := $(CLANG_STD) -O1 -gline-tables-only \
              -fsanitize=address,undefined -fno-sanitize-recover=undefined -Isrc -isystem $(TP) -Itests
FUZZ_SECONDS ?= 30
FUZZ := build/fuzz
FUZZ_HARNESSES := $(patsubst tests/fuzz/%_fuzz.cpp,%,$(wildcard tests/fuzz/*_fuzz.cpp))
# The layers the harnesses reach (request parsing and signing, the decoders, the use cases over a
# store, placement, schedules, image files, DNS messages); the agent, runtime, TLS and verbs are not built.
FUZZ_LIB_SRC := $(filter src/common/% src/model/% src/place/% src/sched/% src/store/% src/svc/% \
                  src/api/auth/% src/runtime/image/% src/runtime/network/dns_%,$(LIB_SRC)) $(wildcard src/api/*.cpp)
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.cpp=$(FUZZ)/obj/%.o) $(UI_SRC:%.cpp=$(FUZZ)/obj/%.o)
FUZZ_LIBS := -lseccomp -lmbedtls -lmbedx509 -lmbedcrypto -lnettle -lzstd -lz -lpthread

$(FUZZ)/obj/%.o: %.cpp $(JSON_H) | $(TP)/httplib.h $(TP)/sqlite3.h
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

# SQLite with berth's flags, not instrumented: the harnesses test berth's code, not SQLite's.
$(FUZZ)/obj/third_party/sqlite3.o: $(TP)/sqlite3.c $(SQLITE_FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CLANG_CXX:clang++%=clang%) $(filter-out -ffunction-sections -fdata-sections,$(SQLITE_FLAGS)) -c $< -o $@

# An archive, so each harness links only the objects it reaches.
$(FUZZ)/libberth.a: $(FUZZ_LIB_OBJ) $(FUZZ)/obj/third_party/sqlite3.o
	rm -f $@ && ar rcs $@ $^

$(FUZZ)/%-fuzzer: tests/fuzz/%_fuzz.cpp $(FUZZ)/libberth.a
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer $< $(FUZZ)/libberth.a $(FUZZ_LIBS) -o $@

deps-fuzz:
	third_party/deps.sh fuzz

# fuzz-build alone builds the harnesses.
fuzz-build: deps-host deps-fuzz
	$(MAKE) --no-print-directory -j$(shell nproc) $(FUZZ_HARNESSES:%=$(FUZZ)/%-fuzzer)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

serve: deps-host
	$(MAKE) --no-print-directory -j$(shell nproc) $(BERTH)
	exec $(BERTH) serve $(ARGS)

clean:
	rm -rf build

-include $(ENGINE_OBJ:.o=.d) $(NO_ENGINE_OBJ:.o=.d) $(LIB_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(BUILD)/obj/src/main.d $(BUILD)/obj/tests/main.d
