"""Benchmarks (``make bench``). ``offline()`` sets the environment every in-process benchmark runs in."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def offline() -> None:
    """Fake credentials, no tracing or metrics flush, no endpoint: moto in-process, never AWS."""
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
