"""Build a zip of the site that works from file://, search included (`make offline`).

The hosted configuration stays as it is (instant navigation, directory URLs); this script
derives an offline configuration from mkdocs.yml: Material's offline plugin, no instant
navigation, and a local copy of the iframe-worker shim instead of the CDN one the plugin
would add (search runs in a worker, which file:// pages can only start through it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHIM = ROOT / "node_modules/iframe-worker/shim/index.js"


class _Loader(yaml.SafeLoader):
    pass


def _python_name(loader, suffix, node):  # keep !!python/name tags as they are
    return _Tag(f"tag:yaml.org,2002:python/name:{suffix}", loader.construct_scalar(node))


class _Tag(str):
    def __new__(cls, tag, value):
        obj = super().__new__(cls, value)
        obj.tag = tag
        return obj


_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)


def _env(loader, node):  # `!ENV [NAME, default]`, resolved now
    name, *default = loader.construct_sequence(node)
    return os.environ.get(name, default[0] if default else None)


_Loader.add_constructor("!ENV", _env)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Tag, lambda dumper, data: dumper.represent_scalar(data.tag, str(data)))


def offline_config(out_dir: Path) -> Path:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    config["theme"]["features"] = [f for f in config["theme"]["features"] if not f.startswith("navigation.instant")]
    config["plugins"] = [*config["plugins"], "offline"]
    config.setdefault("extra", {})["polyfills"] = ["assets/javascripts/iframe-worker-shim.js"]
    config["docs_dir"] = str(ROOT / "docs")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["hooks"] = [str(ROOT / h) for h in config["hooks"]]
    config["site_dir"] = str(out_dir / "site")
    path = out_dir / "mkdocs.offline.yml"
    path.write_text(yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build(zip_path: Path) -> Path:
    if not SHIM.exists():
        sys.exit("node_modules/iframe-worker is missing: run `npm ci` first")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        config = offline_config(tmp)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "LLMQA_OFFLINE": "1"}
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config)], cwd=ROOT, env=env, check=True)
        site = tmp / "site"
        for language_root in (site, site / "en"):
            target = language_root / "assets/javascripts/iframe-worker-shim.js"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SHIM, target)
        zip_path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(site.rglob("*")):
                if path.is_file():
                    archive.write(path, Path("llm-interview-questions") / path.relative_to(site))
    return zip_path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build/llm-interview-questions-offline.zip"
    print(build(target))
