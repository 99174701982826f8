"""The classifier alone: the arrays it keeps give scikit-learn's own probabilities, and
loading them runs no code."""

from __future__ import annotations

import io

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

from inbox.suggestions import classifier

TEXTS = {
    1: ("byggesøknad for garasje", "byggjesøknad tilbygg", "bygesøknad carport", "teikningar"),
    2: ("barnehageplass i august", "opptak barnehage", "foreldrebetaling barnehagen"),
    3: ("vasslekkasje i vegen", "kokevarsel vatnet", "kloakk i kjellaren", "vannlekkasje"),
}


def _training():
    texts, labels = [], []
    for label, phrasings in TEXTS.items():
        for n in range(12):
            texts.append(f"{phrasings[n % len(phrasings)]} nr {n}")
            labels.append(label)
    return classifier.counts(texts), labels


def test_the_kept_arrays_give_scikit_learns_calibrated_probabilities():
    matrix, labels = _training()
    trained = classifier.train(matrix, labels)
    weighted = classifier._weighted(matrix, trained.idf)
    reference = CalibratedClassifierCV(
        LinearSVC(C=0.5), method="sigmoid", cv=classifier.CALIBRATION_FOLDS, ensemble=False
    ).fit(weighted, labels)
    ours = trained.probabilities(matrix)
    assert np.allclose(ours, reference.predict_proba(weighted), atol=1e-5)
    assert np.allclose(ours.sum(axis=1), 1)


def test_other_spellings_and_typos_find_the_department():
    matrix, labels = _training()
    trained = classifier.Classifier.from_bytes(classifier.train(matrix, labels).to_bytes())
    # Bokmål, a typo, a dialect form: none of these exact words was learned.
    assert trained.ranked("Søknad om byggetillatelse for garrasje", 1)[0][0] == 1
    assert trained.ranked("Vatnlekasje ved huset", 1)[0][0] == 3
    assert trained.ranked("Når får vi barnehageplas?", 1)[0][0] == 2


def test_a_model_file_with_python_objects_is_refused_not_run():
    buffer = io.BytesIO()
    objects = np.array([{"run": "me"}], dtype=object)
    np.savez(
        buffer,
        labels=objects,
        idf=objects,
        weights=objects,
        intercepts=objects,
        slopes=objects,
        offsets=objects,
    )
    with pytest.raises(ValueError, match="allow_pickle"):
        classifier.Classifier.from_bytes(buffer.getvalue())


def test_one_department_alone_cannot_be_learned():
    matrix = classifier.counts(["a b c"] * 5)
    with pytest.raises(classifier.TrainingError, match="one department"):
        classifier.train(matrix, [1] * 5)


def test_an_empty_message_gets_probabilities_not_an_error():
    matrix, labels = _training()
    trained = classifier.train(matrix, labels)
    rows = trained.probabilities(classifier.counts(["", "garasje", ""]))
    assert rows.shape == (3, 3) and np.allclose(rows.sum(axis=1), 1)
