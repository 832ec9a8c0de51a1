"""Build benchmark for the knowledge base: `python -m bench --sizes 60,1000,5000`.

Generates synthetic corpora of N questions (Chinese and English twins) recombined from the real
pages under docs/, builds each one twice with `mkdocs build --strict` (with the project's hooks and
without them), and records wall time, peak memory, site and search-index sizes, the median HTML
size of a question page and the time spent inside the project's own hooks.

Nothing under docs/, llmqa/, hooks/, overrides/ or mkdocs.yml is modified: every build runs in a
temporary copy of the project. Results go to bench/results.json; `--write-docs` also writes
docs/performance.md and docs/performance.en.md.
"""
