"""Norwegian word stems for search on SQLite (PostgreSQL stems with its ``norwegian`` config).

The Snowball Norwegian algorithm (the one PostgreSQL's ``norwegian`` configuration uses),
from the ``snowballstemmer`` package: ``garasjen``, ``garasjane`` and ``garasje`` all become
``garasj``. The queue searches SQLite's FTS5 table for the stem as a prefix (``garasj*``), so
every form of the word is found, whatever form was typed.
"""

from __future__ import annotations

import threading

import snowballstemmer

# A Snowball stemmer keeps its working string and cursors on the object while it stems, so
# one per thread (gunicorn's threaded workers, the worker's scheduler) rather than one shared.
_local = threading.local()


def stem(word: str) -> str:
    """The Snowball Norwegian stem of one word, lower-cased."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("norwegian")
    return stemmer.stemWord(word.lower())
