"""Where Svarfrist's files are: the ones it ships beside its code, and its instance folder.

A checkout (and an editable install of it) has ``templates/``, ``static/`` and
``translations/`` at the top of the repository. A built wheel carries them inside the
package, in ``inbox/_data/``, with the catalogs compiled (``setup.py`` writes that folder at
build time; it never exists in a checkout). Everything that reads those files asks here.

The instance folder holds what an installation makes for itself (the generated session key,
and by default the SQLite database and the data directory): ``instance/`` at the top of a
checkout; for an installed package, Flask's place for one, ``<sys.prefix>/var/svarfrist-instance``,
outside the package, so reinstalling or upgrading the wheel never touches it.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_data"
CHECKOUT_DIR = PACKAGE_DIR.parent
#: True for an install from a wheel or sdist; False in a checkout and an editable install.
IS_INSTALLED = BUNDLED_DIR.is_dir()

_SHIPPED_ROOT = BUNDLED_DIR if IS_INSTALLED else CHECKOUT_DIR
TEMPLATES_DIR = _SHIPPED_ROOT / "templates"
STATIC_DIR = _SHIPPED_ROOT / "static"
TRANSLATIONS_DIR = _SHIPPED_ROOT / "translations"
INSTANCE_DIR = (
    Path(sys.prefix) / "var" / "svarfrist-instance" if IS_INSTALLED else CHECKOUT_DIR / "instance"
)


#: What to do about a shipped file that is missing from an installed package.
REINSTALL = (
    "reinstall the package (pip install --force-reinstall svarfrist-<version>-py3-none-any.whl)"
)


class MissingFilesError(Exception):
    """A file or folder the app needs from what Svarfrist ships is missing or unreadable."""


def check_shipped_folders() -> None:
    """Raise :class:`MissingFilesError` naming each missing folder of templates or static
    files, so a broken install stops at start-up instead of answering 404 to every page."""
    missing = [str(folder) for folder in (TEMPLATES_DIR, STATIC_DIR) if not folder.is_dir()]
    if missing:
        fix = REINSTALL if IS_INSTALLED else "restore them with git checkout -- templates static"
        raise MissingFilesError(f"Missing folder of Svarfrist: {', '.join(missing)}; {fix}.")
