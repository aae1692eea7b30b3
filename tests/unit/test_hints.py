"""Duplicate hints: similar text or nearby, best first, at most five (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.appeals.logic.hints import Candidate, hints

AT = datetime(2025, 6, 1, tzinfo=UTC)
LAMP = Candidate("apl_lamp", "3号楼楼道灯坏了", "3号楼2单元楼道灯一周都不亮", AT, None, None)
ELSEWHERE = Candidate("apl_far", "低保申请没有回复", "三月提交到现在没有回复", AT, 25.60, 100.20)
NEARBY = Candidate("apl_near", "单元门关不上", "门禁坏了", AT, 25.6065, 100.2686)  # ~100 m east


def test_similar_text_is_a_hint_and_unrelated_far_text_is_not():
    found = hints(
        title="三号楼二单元楼道没灯",
        description="3号楼2单元的楼道灯坏了好几天了",
        lat=25.6065,
        lng=100.2676,
        candidates=[LAMP, ELSEWHERE],
        radius_m=250,
    )
    assert [(h.id, h.distance_m) for h in found] == [("apl_lamp", None)]
    assert found[0].similarity >= 0.5


def test_a_nearby_appeal_is_a_hint_whatever_its_text_with_its_distance():
    found = hints(
        title="路灯不亮",
        description="晚上很黑",
        lat=25.6065,
        lng=100.2676,
        candidates=[NEARBY, ELSEWHERE],
        radius_m=250,
    )
    assert [h.id for h in found] == ["apl_near"]
    assert 95 < found[0].distance_m < 105  # type: ignore[operator]


def test_without_coordinates_distance_is_never_a_reason():
    found = hints(title="路灯不亮", description="晚上很黑", lat=None, lng=None, candidates=[NEARBY], radius_m=250)
    assert found == []


def test_at_most_five_best_first():
    tails = [
        "",
        "三天",
        "三天晚上",
        "三天晚上黑",
        "三天晚上黑暗",
        "一周晚上黑暗",
        "一周晚上黑暗危险",
        "一周夜里黑暗危险",
    ]
    many = [Candidate(f"apl_{n}", "楼道灯坏了", "楼道灯不亮" + tail, AT, None, None) for n, tail in enumerate(tails)]
    found = hints(title="楼道灯坏了", description="楼道灯不亮", lat=None, lng=None, candidates=many, radius_m=250)
    assert len(found) == 5
    assert [h.similarity for h in found] == sorted((h.similarity for h in found), reverse=True)
    assert [h.id for h in found] == ["apl_0", "apl_1", "apl_2", "apl_3", "apl_4"]
