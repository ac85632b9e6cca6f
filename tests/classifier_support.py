"""What the classifier tests share: a fresh taxonomy cache for each test, the built-in
classifier, and the categories a title (and abstract) gets assigned or suggested.  A test module
imports the fixtures it uses by name (pytest finds imported fixtures)."""
from __future__ import annotations

import pytest

from amlref.core.article import Article
from amlref.taxonomy import model
from amlref.taxonomy.classifier import ImmunotherapyClassifier
from amlref.taxonomy.model import load


@pytest.fixture(autouse=True)
def _fresh_cache():
    model.clear_cache()
    yield
    model.clear_cache()


@pytest.fixture
def clf():
    return ImmunotherapyClassifier(load(user=False))


def rows(clf, title, abstract="", **kw):
    return clf.classify(Article(title=title, abstract=abstract, **kw))


def assigned(clf, title, abstract="", **kw) -> set[str]:
    return {r[0] for r in rows(clf, title, abstract, **kw) if len(r) == 3 and r[1] == "category"}


def suggested(clf, title, abstract="", **kw) -> set[str]:
    return {r[0] for r in rows(clf, title, abstract, **kw) if len(r) == 4 and r[1] == "category"}


def decisions(clf, title, abstract=""):
    return {d.slug: d for d in clf.analyse(Article(title=title, abstract=abstract))}
