"""A missing or unreadable compiled catalog stops start-up with the file named, never English."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from inbox import i18n
from inbox.app import create_app
from inbox.cli import cli
from inbox.i18n import CatalogError, Language
from inbox.paths import TRANSLATIONS_DIR, MissingFilesError
from inbox.settings.config import load_settings


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """A copy of the compiled catalogs the app reads instead of the checkout's."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, copy, ignore=shutil.ignore_patterns("*.po", "*.pot"))
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", copy)
    monkeypatch.delenv("SVARFRIST_CONFIG", raising=False)
    i18n._catalog.cache_clear()
    yield copy
    i18n._catalog.cache_clear()


def compiled(catalogs, code):
    return catalogs / code / "LC_MESSAGES" / "messages.mo"


@pytest.mark.parametrize("code", ["nn", "nb", "en"])
def test_a_missing_catalog_stops_the_app_naming_the_file(catalogs, code):
    compiled(catalogs, code).unlink()
    with pytest.raises(CatalogError) as refused:
        create_app(load_settings())
    message = str(refused.value)
    assert str(compiled(catalogs, code)) in message
    assert f"'{code}'" in message and "is missing" in message
    assert "make translations" in message


def test_the_municipalitys_own_language_is_checked_first(catalogs, tmp_path):
    """With Bokmål configured, its catalog is the one the error names, though nn is gone too."""
    for code in ("nn", "nb"):
        compiled(catalogs, code).unlink()
    config = tmp_path / "svarfrist.toml"
    config.write_text('[municipality]\nname = "Bokmål kommune"\nlanguage = "nb"\n')
    with pytest.raises(CatalogError, match="language 'nb' is missing"):
        create_app(load_settings(str(config)))


@pytest.mark.parametrize(
    "content", [b"", b"not a catalog at all", b"\xde\x12\x04\x95\x00\x00"], ids=repr
)
def test_an_unreadable_catalog_stops_the_app_naming_the_file(catalogs, content):
    compiled(catalogs, "nn").write_bytes(content)
    with pytest.raises(CatalogError) as refused:
        create_app(load_settings())
    assert f"{compiled(catalogs, 'nn')} (" in str(refused.value)
    assert "cannot be read" in str(refused.value)


def test_an_installed_package_says_to_reinstall(catalogs, monkeypatch):
    monkeypatch.setattr(i18n, "IS_INSTALLED", True)
    compiled(catalogs, "nn").unlink()
    with pytest.raises(CatalogError, match="reinstall the package") as refused:
        Language.load("nn")
    assert "make translations" not in str(refused.value)


def test_a_command_that_needs_the_app_ends_with_the_message_not_a_traceback(catalogs):
    compiled(catalogs, "nb").unlink()
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 1
    missing = compiled(catalogs, "nb")
    assert f"Error: The compiled catalog of language 'nb' is missing: {missing}" in result.output
    assert "Traceback" not in result.output


def test_the_promise_command_refuses_without_its_catalog(catalogs):
    compiled(catalogs, "en").unlink()
    result = CliRunner().invoke(cli, ["promise", "--channel", "email", "--lang", "en"])
    assert result.exit_code == 1
    assert str(compiled(catalogs, "en")) in result.output


def test_a_missing_template_folder_stops_the_app(catalogs, monkeypatch, tmp_path):
    from inbox import paths

    monkeypatch.setattr(paths, "TEMPLATES_DIR", tmp_path / "nowhere")
    with pytest.raises(MissingFilesError, match=str(tmp_path / "nowhere")):
        create_app(load_settings())


def test_with_every_catalog_the_app_speaks_nynorsk(catalogs):
    app = create_app(load_settings())
    assert Language.load("nn").gettext("Log in") == "Logg inn"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "nn"


def test_a_missing_catalog_of_an_offered_citizen_language_stops_the_app(catalogs, tmp_path):
    compiled(catalogs, "se").unlink()
    config = tmp_path / "svarfrist.toml"
    config.write_text(
        '[municipality]\nname = "Kárášjoga gielda"\nlanguage = "nb"\n'
        'citizen_languages = ["nb", "se"]\n'
    )
    with pytest.raises(CatalogError, match="language 'se' is missing"):
        create_app(load_settings(str(config)))
    create_app(load_settings())  # not offered by default: not needed
