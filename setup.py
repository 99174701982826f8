"""The one build step setup.cfg cannot say: the files the app needs beside its code.

A checkout keeps ``templates/``, ``static/`` and ``translations/`` at the top of the
repository. A wheel carries them inside the package, as ``inbox/_data/`` (where
``inbox/paths.py`` looks first), with every ``translations/*/LC_MESSAGES/messages.po``
compiled to ``messages.mo`` by Babel here, at build time: no ``.mo`` is ever committed. An
editable install (``pip install -e .``) reads the checkout's folders, so there the catalogs
are compiled in place, as ``make translations`` does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
COPIED = ("templates", "static")
CATALOGS = "translations/*/LC_MESSAGES/messages.po"
BUNDLE = Path("inbox", "_data")


class BuildWithShippedFiles(build_py):
    """``build_py``, then the templates, static files and compiled catalogs."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            compile_catalogs(HERE, HERE)
            return
        bundle = Path(self.build_lib, BUNDLE)
        shutil.rmtree(bundle, ignore_errors=True)  # nothing stale from an earlier build
        for folder in COPIED:
            shutil.copytree(HERE / folder, bundle / folder)
        compile_catalogs(HERE, bundle)


def compile_catalogs(source: Path, target: Path) -> None:
    """Compile every catalog under ``source`` to the same place under ``target``, or stop the
    build: a catalog with errors, or one Babel skips as fuzzy, would ship English instead."""
    try:
        from babel.messages.frontend import CompileCatalog
    except ImportError as error:
        raise SystemExit(
            "Building svarfrist compiles its translation catalogs with Babel, which this "
            "Python lacks: install it first (pip install -c constraints.txt Babel)"
        ) from error
    catalogs = sorted(source.glob(CATALOGS))
    if not catalogs:
        raise SystemExit(f"No translation catalogs ({CATALOGS}) under {source}")
    for po_file in catalogs:
        relative = po_file.relative_to(source)
        mo_file = target / relative.with_suffix(".mo")
        mo_file.parent.mkdir(parents=True, exist_ok=True)
        mo_file.unlink(missing_ok=True)  # so a catalog Babel skips cannot leave an old one
        command = CompileCatalog()
        command.input_file = str(po_file)
        command.output_file = str(mo_file)
        command.locale = relative.parts[1]
        command.finalize_options()
        if command.run() or not mo_file.is_file():
            raise SystemExit(f"Could not compile {po_file} (Babel's messages above say why)")


setup(cmdclass={"build_py": BuildWithShippedFiles})
