"""`mkdocs` as `python bench/mkdocs_launcher.py build --strict …`, for both benchmark builds.

It installs, before MkDocs starts, the one log filter the project's hooks install in on_startup:
mkdocs-static-i18n warns that Material's contextual language switcher does not work with
navigation.instant, which docs/assets/javascripts/language-switch.js handles. Without the hooks
that warning would abort every `--strict` build. Running both builds (with and without hooks)
through this launcher keeps the two identical apart from the hooks.

With BENCH_LENIENT_TEMPLATES=1 (the build without hooks only), Jinja renders undefined variables
as empty instead of failing: the templates in overrides/ read globals such as `kb_ui` that only the
hooks define, and the build without hooks keeps those templates.
"""

import logging
import os
import sys


class _InstantSwitcherHandled(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "language switcher contextual link is not compatible" not in record.getMessage()


logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure").addFilter(_InstantSwitcherHandled())

if os.environ.get("BENCH_LENIENT_TEMPLATES") == "1":
    import jinja2
    from mkdocs.theme import Theme

    _get_env = Theme.get_env

    def _lenient_env(self):
        env = _get_env(self)
        env.undefined = jinja2.ChainableUndefined
        return env

    Theme.get_env = _lenient_env

if __name__ == "__main__":
    from mkdocs.__main__ import cli

    sys.argv[0] = "mkdocs"
    cli()
