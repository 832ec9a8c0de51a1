"""Timing wrapper around hooks/kb.py, for `python -m bench` only (never imported by the project).

`python -m bench` copies this file next to kb.py in its temporary project as
hooks/kb_profiled.py and points that project's `hooks:` entry at it instead of hooks/kb.py.
It loads kb.py unchanged, re-exports every `on_*` event handler wrapped in a timer (keeping
`mkdocs_priority`, so MkDocs orders the events exactly as with kb.py itself) and, at process exit,
writes the accumulated times to the JSON file named by the KB_PROFILE_HOOKS environment variable:
wall time (time.perf_counter) and CPU time of the build process (time.process_time) per handler.

Handlers call each other only through kb.py's own globals (for example `_fragment_env` calls the
unwrapped `on_env`), so no time is counted twice. `load_site` and `SiteModel.related` are timed as
well; they run inside `on_files`, so their time is part of the hook total, reported separately.
jieba's dictionary is loaded here up front and timed on its own: Material's search plugin loads the
same dictionary in a build without the hooks, so it is a shared cost, not the hooks'.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

_KB_MODULE = "_kb_bench_profiled"  # one kb module per process, whatever MkDocs does with this file
_STATS: dict = sys.modules.setdefault("_kb_bench_profile_stats", type(sys)("_kb_bench_profile_stats")).__dict__.setdefault(
    "stats", {"events": {}, "helpers": {}, "total_seconds": 0.0, "total_cpu_seconds": 0.0, "depth": 0, "notes": []}
)


def _timed(name: str, function, bucket: str):
    @functools.wraps(function)  # copies __dict__, and with it mkdocs_priority
    def wrapper(*args, **kwargs):
        start, cpu_start = time.perf_counter(), time.process_time()
        _STATS["depth"] += 1
        try:
            return function(*args, **kwargs)
        finally:
            _STATS["depth"] -= 1
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            record = _STATS[bucket].setdefault(name, {"calls": 0, "seconds": 0.0, "cpu_seconds": 0.0})
            record["calls"] += 1
            record["seconds"] += elapsed
            record["cpu_seconds"] += cpu
            if bucket == "events" and _STATS["depth"] == 0:
                _STATS["total_seconds"] += elapsed
                _STATS["total_cpu_seconds"] += cpu

    if hasattr(function, "mkdocs_priority"):
        wrapper.mkdocs_priority = function.mkdocs_priority
    return wrapper


def _load_kb():
    if _KB_MODULE in sys.modules:
        return sys.modules[_KB_MODULE]
    try:  # the shared cost of jieba's dictionary, kept out of the hook time (see the docstring)
        import jieba

        start = time.perf_counter()
        jieba.initialize()
        _STATS["jieba_initialize_seconds"] = time.perf_counter() - start
    except Exception as error:  # noqa: BLE001 - profiling must never break the build
        _STATS["notes"].append(f"jieba not initialized up front: {error!r}")
    start = time.perf_counter()
    spec = importlib.util.spec_from_file_location(_KB_MODULE, Path(__file__).with_name("kb.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[_KB_MODULE] = module
    spec.loader.exec_module(module)
    _STATS["import_seconds"] = time.perf_counter() - start
    _patch_helpers(module)
    return module


def _patch_helpers(module) -> None:
    # load_site, the sanitizer and the formula renderer, each timed inside the hook that calls it
    for name in ("load_site", "sanitize", "render_math"):
        if callable(getattr(module, name, None)):
            setattr(module, name, _timed(name, getattr(module, name), "helpers"))
        else:
            _STATS["notes"].append(f"hooks/kb.py has no {name}: not timed")
    try:
        from functools import cached_property

        from llmqa.site import SiteModel

        related = SiteModel.__dict__.get("related")
        if isinstance(related, cached_property):
            timed = cached_property(_timed("related", related.func, "helpers"))
            timed.__set_name__(SiteModel, "related")
            SiteModel.related = timed
        else:
            _STATS["notes"].append("SiteModel.related is not a cached_property: not timed")
    except Exception as error:  # noqa: BLE001
        _STATS["notes"].append(f"related not timed: {error!r}")


def _write() -> None:
    target = os.environ.get("KB_PROFILE_HOOKS")
    if not target or target == "1":
        target = "kb-hook-profile.json"
    data = {key: value for key, value in _STATS.items() if key not in ("depth", "atexit")}
    data["pid"] = os.getpid()
    Path(target).write_text(json.dumps(data, indent=2), encoding="utf-8")


_kb = _load_kb()
if not _STATS.get("atexit"):
    _STATS["atexit"] = True
    atexit.register(_write)

for _name in [n for n in dir(_kb) if n.startswith("on_") and callable(getattr(_kb, n))]:
    globals()[_name] = _timed(_name, getattr(_kb, _name), "events")
del _name
