# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
DB ?= $(or $(GUANAI_DB),data/guanai.duckdb)
SEED ?= 2026

.PHONY: run test lint format demo bench system-deps clean

$(BIN)/.runtime: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(BIN)/.dev: requirements-dev.txt $(BIN)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Debian's chromium and the CJK fonts: the PDF reports print through them (app and command line), the browser
# tests drive them, and screenshots read Chinese with them. Never a browser download (no `playwright install`).
system-deps:
	@if dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "安装 chromium 与 fonts-noto-cjk …"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "提示：未找到 chromium / fonts-noto-cjk，且无法用 apt-get 安装（需要 root）：PDF 报告不可用，浏览器测试将跳过"; fi

# Starts the app (serve.py: app.py plus the route of the session cookie); builds the demo city first when no
# database exists yet. system-deps: the PDF report needs chromium and the CJK fonts at run time, not only in tests.
run: $(BIN)/.runtime system-deps
	@test -f "$(DB)" || $(BIN)/python -m pipeline demo --db "$(DB)" --seed $(SEED)
	GUANAI_DB="$(DB)" $(BIN)/python -m streamlit run serve.py --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

demo: $(BIN)/.runtime
	$(BIN)/python -m pipeline demo --db "$(DB)" --seed $(SEED)

# Benchmarks at province scale: the demo is built once into bench/cache/; writes docs/benchmarks.md.
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--scale city --runs 5".
bench: $(BIN)/.dev
	$(BIN)/python -m bench $(BENCH_ARGS)

test: $(BIN)/.dev system-deps
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m pytest

lint: $(BIN)/.dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

format: $(BIN)/.dev
	$(BIN)/python -m ruff check --fix .
	$(BIN)/python -m ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
