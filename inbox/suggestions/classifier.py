"""The department classifier: TF-IDF over character n-grams and a linear model with calibrated
probabilities (scikit-learn), kept as plain arrays.

Character n-grams (3 to 5, inside word boundaries) make "byggjesøknad", "byggesøknad" and
"bygesøknad" share most of their features, so Nynorsk, Bokmål, dialect and typos need no word
lists. The n-grams are hashed (no vocabulary to keep, memory fixed whatever the number of
cases); a linear support vector machine separates the departments, and sigmoid calibration on
held-back folds turns its scores into probabilities. The trained model is written as NumPy
arrays (``.npz``, read with ``allow_pickle=False``): loading it runs no code, whoever wrote it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

FEATURES = 2**18
NGRAMS = (3, 5)
# Folds for the calibration; each needs a few cases of every department.
CALIBRATION_FOLDS = 3


@cache
def _vectorizer():
    # scikit-learn is imported when a suggestion or a training needs it: importing it costs
    # every process about a second (every command, every web worker, the poller).
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        n_features=FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        dtype=np.float32,
    )


class TrainingError(ValueError):
    """The cases cannot train a model (too few, or all in one department)."""


@dataclass(frozen=True)
class Classifier:
    """A trained model: departments (ids), inverse document frequencies, a linear score per
    department and the sigmoid that calibrates each score."""

    labels: np.ndarray  # (departments,) int64
    idf: np.ndarray  # (FEATURES,) float32
    weights: np.ndarray  # (departments or 1, FEATURES) float32
    intercepts: np.ndarray  # (departments or 1,)
    slopes: np.ndarray  # calibration a per score
    offsets: np.ndarray  # calibration b per score

    def probabilities(self, matrix) -> np.ndarray:
        """(rows, departments): each row of :func:`counts` its probability per department."""
        scores = _weighted(matrix, self.idf) @ self.weights.T + self.intercepts
        from scipy.special import expit  # see _vectorizer

        calibrated = expit(-(np.asarray(scores) * self.slopes + self.offsets))
        if len(self.labels) == 2:  # one score, for the second department
            return np.column_stack([1 - calibrated[:, 0], calibrated[:, 0]])
        totals = calibrated.sum(axis=1, keepdims=True)
        uniform = np.full_like(calibrated, 1 / len(self.labels))
        return np.divide(calibrated, totals, out=uniform, where=totals > 0)

    def ranked(self, text: str, limit: int) -> list[tuple[int, float]]:
        """The ``limit`` likeliest departments for ``text``, as (id, probability), best first."""
        row = self.probabilities(counts([text]))[0]
        order = np.argsort(-row)[:limit]
        return [(int(self.labels[i]), float(row[i])) for i in order]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **{name: getattr(self, name) for name in _ARRAYS})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, content: bytes) -> Classifier:
        with np.load(io.BytesIO(content), allow_pickle=False) as arrays:
            return cls(**{name: arrays[name] for name in _ARRAYS})


_ARRAYS = ("labels", "idf", "weights", "intercepts", "slopes", "offsets")


def counts(texts: Sequence[str]):
    """The hashed character n-gram counts of ``texts`` (a sparse matrix, one row per text)."""
    return _vectorizer().transform(texts)


def train(matrix, labels: Sequence[int]) -> Classifier:
    """Train on the rows of :func:`counts` and each row's department id."""
    labels = np.asarray(labels, dtype=np.int64)
    kinds, sizes = np.unique(labels, return_counts=True)
    if len(kinds) < 2:
        raise TrainingError("the cases all belong to one department: nothing to choose between")
    if sizes.min() < CALIBRATION_FOLDS:
        # Too rare to calibrate: such departments are learned once they have more cases.
        keep = np.isin(labels, kinds[sizes >= CALIBRATION_FOLDS])
        return train(matrix[keep], labels[keep])
    from sklearn.calibration import CalibratedClassifierCV  # see _vectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.svm import LinearSVC

    transformer = TfidfTransformer(sublinear_tf=True).fit(matrix)
    idf = transformer.idf_.astype(np.float32)
    model = CalibratedClassifierCV(
        LinearSVC(C=0.5), method="sigmoid", cv=CALIBRATION_FOLDS, ensemble=False
    ).fit(_weighted(matrix, idf), labels)
    calibrated = model.calibrated_classifiers_[0]
    svm = calibrated.estimator
    return Classifier(
        labels=model.classes_.astype(np.int64),
        idf=idf,
        weights=svm.coef_.astype(np.float32),
        intercepts=svm.intercept_.astype(np.float32),
        slopes=np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64),
        offsets=np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64),
    )


def _weighted(matrix, idf: np.ndarray):
    """TF-IDF rows: sublinear counts times ``idf``, each row scaled to length 1; one copy of
    the counts, changed in place (a training's matrix is most of its memory)."""
    weighted = matrix.astype(np.float32, copy=True).tocsr()
    # Sublinear term frequency, 1 + log(count), as TfidfTransformer(sublinear_tf=True).
    weighted.data = (np.log(weighted.data) + 1) * idf[weighted.indices]
    rows = np.repeat(np.arange(weighted.shape[0]), np.diff(weighted.indptr))
    lengths = np.sqrt(np.bincount(rows, weights=weighted.data**2, minlength=weighted.shape[0]))
    weighted.data /= lengths[rows]  # an empty row has no data to divide
    return weighted


def top_k_hits(classifier: Classifier, matrix, labels: Sequence[int], k: int) -> np.ndarray:
    """Per row of :func:`counts`: whether its department is among the ``k`` likeliest."""
    ranks = np.argsort(-classifier.probabilities(matrix), axis=1)[:, :k]
    return (classifier.labels[ranks] == np.asarray(labels)[:, None]).any(axis=1)
