"""``[storage]`` and ``[storage.s3]``: shape, defaults, errors naming key and file, and the
credentials, read from the environment or a file only when the storage is first used."""

from __future__ import annotations

import pytest

from inbox.app import blob_store
from inbox.blobs import BlobError, LocalBlobStore, S3BlobStore
from inbox.settings.config import load_settings
from rules.config import ConfigError
from tests import s3_server as s3
from tests.rules.test_config import problems_of, write

MINIO = """
[storage]
backend = "s3"

[storage.s3]
endpoint_url = "{endpoint}"
bucket = "{bucket}"
prefix = "/alver/"
region = "eu-north-1"
path_style = true
access_key_id_env = "SVARFRIST_S3_KEY_ID"
secret_access_key_env = "SVARFRIST_S3_SECRET"
"""


def test_without_a_backend_the_blobs_stay_in_the_data_directory(tmp_path):
    settings = load_settings(write(tmp_path, '[storage]\ndata_dir = "data"\n'))
    assert settings.s3 is None
    store = blob_store(settings)
    assert isinstance(store, LocalBlobStore) and store.root == tmp_path / "data" / "blobs"


def test_the_documented_s3_storage_is_read_and_stores_in_the_bucket(
    tmp_path, s3_server, monkeypatch
):
    bucket = s3_server.new_bucket()
    path = write(tmp_path, MINIO.format(endpoint=s3_server.url, bucket=bucket))
    settings = load_settings(path)
    location = settings.s3.location
    assert (location.bucket, location.prefix, location.region, location.path_style) == (
        bucket,
        "alver/",
        "eu-north-1",
        True,
    )
    assert (location.connect_timeout_seconds, location.read_timeout_seconds) == (5, 20)
    monkeypatch.setenv("SVARFRIST_S3_KEY_ID", s3.ACCESS_KEY_ID)
    monkeypatch.setenv("SVARFRIST_S3_SECRET", s3.SECRET_ACCESS_KEY)
    store = blob_store(settings)
    assert isinstance(store, S3BlobStore)
    assert store.get(store.put(b"brev")) == b"brev"
    assert store.key(store.put(b"brev")).startswith("alver/")


def test_missing_credentials_name_the_variables_and_the_file_not_a_value(tmp_path, monkeypatch):
    path = write(tmp_path, MINIO.format(endpoint="http://127.0.0.1:9", bucket="svarfrist"))
    monkeypatch.delenv("SVARFRIST_S3_KEY_ID", raising=False)
    monkeypatch.setenv("SVARFRIST_S3_SECRET", "hemmeleg-verdi")
    store = blob_store(load_settings(path))  # nothing is read before the first blob
    with pytest.raises(BlobError) as raised:
        store.put(b"x")
    message = str(raised.value)
    assert message.startswith(f"{path}: storage.s3: ")
    assert "SVARFRIST_S3_KEY_ID (storage.s3.access_key_id_env)" in message
    assert "SVARFRIST_S3_SECRET" not in message and "hemmeleg-verdi" not in message


def test_credentials_come_from_a_systemd_credential_file(tmp_path, s3_server, monkeypatch):
    bucket = s3_server.new_bucket()
    (tmp_path / "credentials").mkdir()
    (tmp_path / "credentials" / "s3").write_text(
        f"[default]\naws_access_key_id = {s3.ACCESS_KEY_ID}\n"
        f"aws_secret_access_key = {s3.SECRET_ACCESS_KEY}\n"
    )
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "credentials"))
    text = (
        f'[storage]\nbackend = "s3"\n[storage.s3]\nendpoint_url = "{s3_server.url}"\n'
        f'bucket = "{bucket}"\npath_style = true\n'
        'credentials_file = "${CREDENTIALS_DIRECTORY}/s3"\n'
    )
    store = blob_store(load_settings(write(tmp_path, text)))
    assert store.get(store.put(b"from the file")) == b"from the file"


@pytest.mark.parametrize(
    ("contents", "expected"),
    [
        (None, "cannot read {file} (FileNotFoundError)"),
        ("[default]\naws_access_key_id = k\n", "{file} needs aws_access_key_id and aws_secret"),
        ("not an ini file", "cannot read {file} (MissingSectionHeaderError)"),
    ],
)
def test_an_unusable_credentials_file_is_named_with_the_key(tmp_path, contents, expected):
    secret = tmp_path / "s3-credentials"
    if contents is not None:
        secret.write_text(contents)
    text = (
        '[storage]\nbackend = "s3"\n[storage.s3]\nbucket = "svarfrist"\n'
        'credentials_file = "s3-credentials"\n'  # relative: beside the configuration file
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_settings(path).s3.credentials()
    prefix = f"{path}: storage.s3.credentials_file: "
    assert str(raised.value).startswith(prefix + expected.format(file=secret))


def test_an_unset_variable_in_the_credentials_path_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    text = (
        '[storage]\nbackend = "s3"\n[storage.s3]\nbucket = "svarfrist"\n'
        'credentials_file = "${CREDENTIALS_DIRECTORY}/s3"\n'
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match="CREDENTIALS_DIRECTORY is not set"):
        load_settings(path).s3.credentials()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('backend = "nfs"', 'storage.backend: expected "local" or "s3", got \'nfs\''),
        ('backend = "s3"', 'storage.s3: storage.backend = "s3" needs a [storage.s3] table'),
        ('[storage.s3]\nbucket = "b1b"', 'storage.s3: given, but storage.backend is not "s3"'),
        ('backend = "s3"\n[storage.s3]\nregion = "x"', "storage.s3.bucket: missing"),
        ('backend = "s3"\n[storage.s3]\nbucket = "Svarfrist_Blobs"', "storage.s3.bucket: expected"),
        (
            'backend = "s3"\n[storage.s3]\nbucket = "b1b"\nendpoint_url = "minio:9000"',
            "storage.s3.endpoint_url: expected an http:// or https:// address",
        ),
        (
            'backend = "s3"\n[storage.s3]\nbucket = "b1b"\npath_style = "yes"',
            "storage.s3.path_style: expected true or false, got 'yes'",
        ),
        (
            'backend = "s3"\n[storage.s3]\nbucket = "b1b"\nread_timeout_seconds = 3600',
            "storage.s3.read_timeout_seconds: expected 1 to 300, got 3600",
        ),
        (
            'backend = "s3"\n[storage.s3]\nbucket = "b1b"\nsecret_key = "x"',
            "storage.s3.secret_key: unknown key; expected one of bucket, prefix",
        ),
    ],
)
def test_a_wrong_storage_setting_is_named_by_key_and_file(tmp_path, text, expected):
    lines = problems_of(tmp_path, "[storage]\n" + text + "\n")
    assert any(expected in line for line in lines), lines


def test_a_secret_written_where_a_variable_name_belongs_is_not_echoed(tmp_path):
    text = '[storage]\nbackend = "s3"\n[storage.s3]\nbucket = "b1b"\n'
    text += 'secret_access_key_env = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY"\n'
    (line,) = problems_of(tmp_path, text)
    assert "storage.s3.secret_access_key_env: expected the name of an environment" in line
    assert "wJalr" not in line
