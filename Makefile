# commhub -- PGXS build.
#   make && make install          build and install the extension
#   make installcheck             pg_regress (sql/ + expected/) against a running server
#   make unit                     C unit tests of the server-independent core (src/core)
#   make unit-asan                the same under AddressSanitizer + UBSan
#   make unit-valgrind            the plain binaries under valgrind (leaks fail)
#   make fuzz                     libFuzzer targets (clang), not run in CI
#   make model                    retrain the intent model (dev corpora only)
#   make model-loco               its leave-one-corpus-out figures
# The full suite, with a throwaway cluster, is test/run.sh (see README.md).

EXTENSION  = commhub
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" commhub.control)

MODULE_big = commhub
PG_SRCS    = $(sort $(wildcard src/*.c))
CORE_SRCS  = $(sort $(wildcard src/core/*.c))
OBJS       = $(PG_SRCS:.c=.o) $(CORE_SRCS:.c=.o)

# The install script of the current version is assembled from
# sql/install/*.sql.  sql/versions/ holds what earlier releases shipped:
# their install scripts, frozen as released, and the hand-written update
# scripts (commhub--X--Y.sql) from each release to the next.
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA       = $(wildcard sql/versions/$(EXTENSION)--*.sql)

REGRESS      = $(sort $(filter-out $(EXTENSION)--%,$(basename $(notdir $(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

PG_CPPFLAGS = -Isrc -Isrc/core $(JANSSON_FIX)
# -Wno-clobbered: PG_TRY is setjmp-based and -Wextra flags PG's own _do_rethrow;
# variables live across PG_TRY in our code are declared volatile instead.
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers -Wno-clobbered
# The postgres executable exports json_object() (an SQL function); inside the
# server it interposes on jansson's json_object() for every caller in this
# library.  Module objects therefore call commhub_jansson_object() instead
# (src/jansson_shim.c), which jansson resolves internally.
JANSSON_FIX = -Djson_object=commhub_jansson_object
SHLIB_LINK  = -lcurl -ljansson
EXTRA_CLEAN = sql/$(EXTENSION)--$(EXTVERSION).sql test/unit/bin test/fuzz/bin

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/$(EXTENSION)--$(EXTVERSION).sql: $(sort $(wildcard sql/install/*.sql)) commhub.control
	cat $(sort $(wildcard sql/install/*.sql)) > $@

# Server-independent core: plain C, its own flags (not the backend's), so the
# same objects are what the unit tests and fuzzers exercise.  Its symbols
# are for the module's own glue only (-fvisibility=hidden): calls between
# the core's files and within them are direct and may be inlined, not made
# through the PLT as for functions another library could interpose.
CORE_CFLAGS = -std=gnu11 -O2 -g -fPIC -fvisibility=hidden -Wall -Wextra -Werror -Isrc/core $(JANSSON_FIX)
src/core/%.o: src/core/%.c $(wildcard src/core/*.h)
	$(CC) $(CORE_CFLAGS) -c -o $@ $<

# ---- unit tests of the core -------------------------------------------
UNIT_TESTS = $(sort $(basename $(notdir $(wildcard test/unit/test_*.c))))
UNIT_LIBS  = -lcurl -ljansson -lm
UNIT_FLAGS ?= -std=gnu11 -O1 -g -Wall -Wextra -Werror -Isrc/core
UNIT_BIN   ?= test/unit/bin

$(UNIT_BIN)/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p $(UNIT_BIN)
	$(CC) $(UNIT_FLAGS) -o $@ $< $(CORE_SRCS) $(UNIT_LIBS)

unit-build: $(addprefix $(UNIT_BIN)/,$(UNIT_TESTS))

# Each unit test prints TAP lines; test/run_unit.sh runs them and counts.
unit: unit-build
	test/run_unit.sh $(UNIT_BIN) $(UNIT_TESTS)

unit-asan:
	$(MAKE) unit UNIT_BIN=test/unit/bin-asan UNIT_FLAGS="$(UNIT_FLAGS) -fsanitize=address,undefined -fno-omit-frame-pointer"

# the plain binaries under valgrind: leaks and invalid accesses fail the test
VALGRIND = valgrind -q --leak-check=full --error-exitcode=99 --suppressions=test/unit/test_mime.supp
unit-valgrind: unit-build
	UNIT_RUNNER="$(VALGRIND)" test/run_unit.sh $(UNIT_BIN) $(UNIT_TESTS)

# ---- fuzzers (clang + libFuzzer) --------------------------------------
FUZZ_TARGETS = $(sort $(basename $(notdir $(wildcard test/fuzz/fuzz_*.c))))
test/fuzz/bin/%: test/fuzz/%.c $(CORE_SRCS)
	@mkdir -p test/fuzz/bin
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core -o $@ $< $(CORE_SRCS) $(UNIT_LIBS)
fuzz: $(addprefix test/fuzz/bin/,$(FUZZ_TARGETS))

.PHONY: unit unit-build unit-asan unit-valgrind fuzz

# ---- analyzer evaluation on the labeled corpora -----------------------
test/corpus/eval: test/corpus/eval.c test/corpus/corpus_time.h $(CORE_SRCS)
	$(CC) -std=gnu11 -O2 -Isrc/core -o $@ $< $(CORE_SRCS) $(UNIT_LIBS)
eval: test/corpus/eval
	@echo "== held-out corpus (test/corpus/a10_corpus.jsonl, written independently)"
	@test/corpus/eval test/corpus/a10_corpus.jsonl
	@echo "== development corpus (test/corpus/dev_corpus.jsonl)"
	@test/corpus/eval test/corpus/dev_corpus.jsonl
# aggregate confusion tables of the held-out corpus (no item ids or texts)
eval-summary: test/corpus/eval
	@test/corpus/eval test/corpus/a10_corpus.jsonl -s
.PHONY: eval eval-summary

# ---- the learned part of intent (src/core/analyzer_model*.c) ----------
# model_dump prints, per dev item, the rule engine's votes and the model's
# features; train_intent.py trains on the dev corpora only (never the
# held-out a10_corpus.jsonl) and writes src/core/analyzer_model_data.c.
DEV_CORPORA = $(sort $(wildcard test/corpus/dev*_corpus.jsonl))
test/corpus/model_dump: test/corpus/model_dump.c test/corpus/corpus_time.h $(CORE_SRCS) $(wildcard src/core/*.h)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Isrc/core -o $@ $< $(CORE_SRCS) $(UNIT_LIBS)
model: test/corpus/model_dump
	test/corpus/model_dump $(DEV_CORPORA) > test/corpus/model_dump.tsv
	python3 test/corpus/train_intent.py test/corpus/model_dump.tsv > src/core/analyzer_model_data.c.tmp
	mv src/core/analyzer_model_data.c.tmp src/core/analyzer_model_data.c
# leave-one-corpus-out over the dev corpora: rules alone, model alone, combined
model-loco: test/corpus/model_dump
	test/corpus/model_dump $(DEV_CORPORA) > test/corpus/model_dump.tsv
	python3 test/corpus/train_intent.py test/corpus/model_dump.tsv --loco
.PHONY: model model-loco
