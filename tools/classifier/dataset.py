"""The corpus as the classifier sees it: posts through the product's path, then features.

Why a cache: running 4,400 posts through ingestion and dbt takes about a minute; training and
evaluation both start from the same processed posts, and the development loop reuses them.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer

from tools.classifier.corpus import SECTORS, SENTIMENTS, THEMES, Post
from tools.classifier.features import post_features
from tools.classifier.model import Dataset
from tools.classifier.production import Processed, process


def processed_posts(posts: list[Post], cache: Path | None = None, log=print) -> dict[str, Processed]:
    """Every post through ingestion and the social dbt models (or from ``cache`` if it holds
    exactly these posts' exports)."""
    exports = [p.export for p in posts]
    if cache is not None and cache.exists():
        saved_exports, saved = pickle.loads(cache.read_bytes())
        if saved_exports == exports:
            return saved
    log(f"running {len(posts)} posts through ingestion and the social dbt models …")
    out, _ = process(exports)
    if cache is not None:
        cache.write_bytes(pickle.dumps((exports, out)))
    return out


def features_of(p: Processed) -> dict[str, int]:
    return post_features(p.title_masked, p.text_masked, p.company, p.platform, p.rating, p.rule_features)


@dataclass
class Corpus:
    """The training posts (labelled Dutch and published as Dutch) as a Dataset, with their
    posts in the same order and whether each is measured when its writer is held out."""
    data: Dataset
    posts: list[Post]
    evaluated: np.ndarray


def build(posts: list[Post], processed: dict[str, Processed]) -> Corpus:
    kept = [p for p in posts if p.lang == "nl" and processed[p.id].published]
    vectorizer = DictVectorizer(dtype=np.int64, sort=True)
    X = sp.csr_matrix(vectorizer.fit_transform([features_of(processed[p.id]) for p in kept]), dtype=np.int64)
    data = Dataset(
        X=X,
        features=np.asarray(vectorizer.get_feature_names_out(), dtype=object),
        groups=np.array([p.group for p in kept]),
        themes=np.array([[t in p.themes for t in THEMES] for p in kept], dtype=bool).reshape(len(kept), len(THEMES)),
        sector=np.array([SECTORS.index(p.sector) for p in kept], dtype=np.int64),
        sentiment=np.array([SENTIMENTS.index(p.sentiment) for p in kept], dtype=np.int64),
        ratings=np.array([processed[p.id].rating or 0 for p in kept], dtype=np.int64),
    )
    return Corpus(data, kept, np.array([p.evaluated for p in kept], dtype=bool))
