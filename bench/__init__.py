"""Benchmark harness: province-scale timings of metrics, lists, imports and pages.

Run it with `make bench` or `.venv/bin/python -m bench [--scale province] [--runs 5]`; it writes
docs/benchmarks.md. Each module measures one thing:

- demo_cache: the demo database, built once per scale, seed and day and kept under bench/cache/
- timing: medians of repeated runs, and the peak memory of a process tree polled from /proc
- peer: the same metrics written the straightforward pandas way, and the figure-by-figure check
- queries_bench: our metrics, the pandas peer, the bare scan and the overdue lists
- imports: CSV and .xlsx import throughput, each run in a child process on a fresh database
- pages: every page of the app through AppTest, cold and warm, in a child process
- app_memory: the peak memory of the real `streamlit run` server driven through every page
- browser_pages: the first open of every page, per role, in Chromium on a new server after an import
- report: docs/benchmarks.md
"""
