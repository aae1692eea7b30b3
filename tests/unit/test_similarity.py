"""Duplicate hints' text similarity, measured on 74 hand-labelled pairs of Chinese appeals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.appeals.logic.similarity import THRESHOLD, distance_m, fingerprint, similarity

PAIRS = json.loads((Path(__file__).parents[1] / "data" / "duplicate_pairs.json").read_text(encoding="utf-8"))["pairs"]


def score(pair: dict) -> float:
    a, b = pair["a"], pair["b"]
    return similarity(fingerprint(a["title"], a["description"]), fingerprint(b["title"], b["description"]))


def plain_bigram_dice(pair: dict) -> float:
    """The baseline API.md names: Dice over the character bigrams of title and description, nothing else."""

    def grams(x: dict) -> set[str]:
        text = x["title"] + x["description"]
        return {text[i : i + 2] for i in range(len(text) - 1)}

    a, b = grams(pair["a"]), grams(pair["b"])
    return 2 * len(a & b) / (len(a) + len(b))


def confusion(scorer) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) at the hints threshold."""
    tp = fp = fn = 0
    for pair in PAIRS:
        hinted = scorer(pair) >= THRESHOLD
        tp += hinted and pair["duplicate"]
        fp += hinted and not pair["duplicate"]
        fn += (not hinted) and pair["duplicate"]
    return tp, fp, fn


def test_the_labelled_set_has_at_least_60_pairs_of_both_kinds():
    duplicates = sum(p["duplicate"] for p in PAIRS)
    assert (len(PAIRS), duplicates) == (74, 37)


def test_precision_and_recall_at_the_threshold():
    tp, fp, fn = confusion(score)
    assert (tp, fp, fn) == (27, 0, 10)
    assert (round(tp / (tp + fp), 2), round(tp / (tp + fn), 2)) == (1.0, 0.73)  # precision, recall


def test_plain_bigrams_would_miss_most_duplicates():
    tp, fp, fn = confusion(plain_bigram_dice)
    assert (tp, fp, fn) == (4, 1, 33)  # precision 0.80, recall 0.11: why the score is more than bigrams


def test_identical_text_is_1_and_unrelated_text_is_near_0():
    same = fingerprint("楼道灯坏了", "三单元楼道灯一周没亮")
    other = fingerprint("低保申请", "三月递交的申请没有回复")
    assert (similarity(same, same), similarity(same, other) < 0.2) == (1.0, True)


def test_spoken_and_written_building_numbers_are_the_same_place():
    a = fingerprint("三号楼楼道灯坏了", "")
    b = fingerprint("3栋楼道灯坏了", "")
    assert similarity(a, b) == 1.0


def test_different_buildings_halve_the_score():
    a = fingerprint("3栋楼道灯坏了", "")
    b = fingerprint("7栋楼道灯坏了", "")
    assert similarity(a, b) < THRESHOLD


def test_empty_text_is_not_similar_to_anything():
    assert similarity(fingerprint("", ""), fingerprint("楼道灯", "")) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((25.6065, 100.2676), (25.6065, 100.2676), 0),
        ((25.6065, 100.2676), (25.6065 + 0.001, 100.2676), 111),  # a thousandth of a degree of latitude
    ],
)
def test_distance_in_metres(a, b, metres):
    assert round(distance_m(*a, *b)) == metres
