"""README.md is read in the repository: every link it has points at a file of the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_links_only_files_in_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r"<(https?://[^>]+)>", text)
    assert targets, "the README links its reference documents"
    outside = [t for t in targets if "://" in t or not (ROOT / t.split("#")[0]).resolve().is_relative_to(ROOT)]
    missing = [t for t in targets if t not in outside and not (ROOT / t.split("#")[0]).exists()]
    assert (outside, missing) == ([], [])
