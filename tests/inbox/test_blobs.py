"""The blob store's one interface, the same tests on both backends: a local directory and
S3-compatible object storage (moto's S3 server on loopback)."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from inbox.blobs import BlobMissing, BlobStoreUnavailable, LocalBlobStore
from tests import s3_server as s3
from tests.inbox.conftest import s3_store_on
from tests.inbox.outbox.test_endpoint_faults import MisbehavingEndpoint
from tests.s3_server import S3Server


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    return s3_store_on(request.getfixturevalue("s3_server"))


def test_what_is_put_is_got_back_under_its_sha256(store):
    content = b"%PDF-1.4 teikning \x00\xff"
    digest = store.put(content)
    assert digest == hashlib.sha256(content).hexdigest()
    assert store.exists(digest)
    assert store.get(digest) == content


def test_the_same_content_twice_is_stored_once(store):
    assert store.put(b"raw one") == store.put(b"raw one")
    assert store.put(b"raw two") != store.put(b"raw one")


def test_a_missing_blob_is_a_clear_error_naming_where_it_was_looked_for(store):
    digest = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(digest)
    with pytest.raises(BlobMissing, match=digest) as raised:
        store.get(digest)
    assert "[storage" in str(raised.value)  # the configuration that says where


def test_a_deleted_blob_is_gone_and_deleting_it_again_does_nothing(store):
    digest = store.put(b"to be removed by retention")
    store.delete(digest)
    store.delete(digest)
    assert not store.exists(digest)
    with pytest.raises(BlobMissing):
        store.get(digest)


def test_something_that_is_not_a_sha256_is_refused(store):
    for wrong in ("../../etc/passwd", "A" * 64, "ab" * 31):
        with pytest.raises(ValueError, match="not a SHA-256"):
            store.exists(wrong)


def test_a_local_write_that_fails_leaves_no_file_behind(tmp_path, monkeypatch):
    store = LocalBlobStore(tmp_path / "blobs")

    def full_disk(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        store.put(b"half written")
    assert [p for p in store.root.rglob("*") if p.is_file()] == []


def test_objects_are_keyed_under_the_prefix(s3_server):
    store = s3_store_on(s3_server, prefix="alver/blobs/")
    digest = store.put(b"innhald")
    listed = store._connected().list_objects_v2(Bucket=store.location.bucket)["Contents"]
    assert [item["Key"] for item in listed] == [f"alver/blobs/{digest[:2]}/{digest[2:4]}/{digest}"]


def test_a_stopped_server_is_unavailable_and_nothing_is_stored_until_it_answers(tmp_path):
    from tests.conftest import free_port

    server = S3Server(free_port()).start()
    try:
        store = s3_store_on(server)
        bucket = store.location.bucket
        server.stop()
        started = time.monotonic()
        with pytest.raises(BlobStoreUnavailable, match=f"bucket '{bucket}' at {server.url}"):
            store.put(b"during the outage")
        assert time.monotonic() - started < 10  # retries are few and short, no long hang
        server.start()  # an empty server again: moto keeps its buckets in memory
        store._connected().create_bucket(Bucket=bucket)
        assert not store.exists(hashlib.sha256(b"during the outage").hexdigest())
        assert store.get(store.put(b"after the outage")) == b"after the outage"
    finally:
        server.stop()


@pytest.mark.parametrize("mode", ["http_503", "silent", "hang_up"])
def test_a_misbehaving_endpoint_fails_within_seconds_and_names_the_bucket(mode):
    endpoint = MisbehavingEndpoint(mode)
    try:
        store = s3.store(f"http://127.0.0.1:{endpoint.port}", "svarfrist-outage")
        started = time.monotonic()
        with pytest.raises(BlobStoreUnavailable, match="bucket 'svarfrist-outage'"):
            store.put(b"nobody stores this")
        # 2 tries of at most 1 s to connect and 2 s to read, with standard back-off between.
        assert time.monotonic() - started < 10
        assert endpoint.accepted >= 1  # it was really asked
    finally:
        endpoint.close()


def test_the_error_never_carries_the_credentials(s3_server):
    store = s3.store(s3_server.url, "no-such-bucket-here")
    with pytest.raises(BlobStoreUnavailable) as raised:
        store.put(b"x")
    assert "NoSuchBucket" in str(raised.value)
    assert s3.SECRET_ACCESS_KEY not in str(raised.value)
    assert s3.ACCESS_KEY_ID not in str(raised.value)
