"""Cold start we control: importing a handler vs. importing boto3 and creating one client.

Budget (issue 2): the median import time of each handler module is at most 1.25x the median of
``python -c "import boto3; boto3.client('dynamodb')"``, runs taken in turn so that machine noise
hits both alike. Prints one line per handler; exits 1 when a handler is over budget.

    .venv/bin/python benchmarks/cold_start.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services import catalog  # noqa: E402

BASELINE = "import boto3; boto3.client('dynamodb')"
BUDGET = 1.25


def _time(code: str) -> float:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "0"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    modules = sorted({f.handler.rpartition(".")[0] for f in catalog.FUNCTIONS})
    candidates = {module: f"import {module}" for module in modules}
    for code in [BASELINE, *candidates.values()]:
        _time(code)  # warm the bytecode cache and the page cache once
    timings: dict[str, list[float]] = {"baseline": [], **{m: [] for m in modules}}
    for _ in range(args.runs):
        timings["baseline"].append(_time(BASELINE))
        for module, code in candidates.items():
            timings[module].append(_time(code))
    baseline = statistics.median(timings["baseline"])
    print(f"cold start, median of {args.runs} runs in turn (python {sys.version.split()[0]})")
    print(f"  {'baseline: boto3 + dynamodb client':<40} {baseline * 1000:7.1f} ms")
    over = False
    for module in modules:
        median = statistics.median(timings[module])
        ratio = median / baseline
        over |= ratio > BUDGET
        verdict = "ok" if ratio <= BUDGET else f"OVER BUDGET ({BUDGET}x)"
        print(f"  {module:<40} {median * 1000:7.1f} ms  {ratio:5.2f}x  {verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
