"""Dashboard budgets (issue 15), measured on the built assets and in headless Chromium.

1. Size: every file of ``web/dist`` gzipped (level 9, as a CDN or the local server would send it),
   in total at most 400 KB.
2. First meaningful paint of the city view: from navigation start until the city's headline figures
   are painted (the page's ``canger:figures-painted`` mark, set one frame after they are in the DOM),
   on the local server with the demo data and a synthetic year in all 44 communities; a fresh browser
   context (cold cache) each run; budget: median at most 1,500 ms.
3. API requests of the city view (``/v1/…``, counted until the network is idle): at most 3.

Exits non-zero when a budget is broken. Needs ``make web`` and Debian's chromium (``make bench`` does both).

    .venv/bin/python benchmarks/dashboard.py [--runs 7]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, DESKTOP, YEAR, moto_endpoint, seeded_server  # noqa: E402
from tests.http.conftest import stop_server  # noqa: E402

DIST = ROOT / "web" / "dist"
SIZE_BUDGET = 400 * 1024
PAINT_BUDGET_MS = 1500
REQUEST_BUDGET = 3


def bench_size() -> bool:
    files = sorted(p for p in DIST.rglob("*") if p.is_file())
    sizes = {p.relative_to(DIST): len(gzip.compress(p.read_bytes(), compresslevel=9)) for p in files}
    total = sum(sizes.values())
    print("built assets, gzipped:")
    for path, size in sizes.items():
        print(f"  {size / 1024:8.1f} KB  {path}")
    print(f"  {total / 1024:8.1f} KB  total (budget {SIZE_BUDGET / 1024:.0f} KB)")
    return total <= SIZE_BUDGET


def bench_page(base_url: str, runs: int) -> bool:
    from playwright.sync_api import sync_playwright

    paints, contentful, requests_made = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for _ in range(runs + 1):  # the first run warms the server's Python imports; it is not counted
            context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
            page = context.new_page()
            api: list[str] = []
            page.on("request", lambda r, api=api: api.append(r.url) if "/v1/" in r.url else None)
            page.goto(f"{base_url}/#/{YEAR}")
            page.wait_for_function("performance.getEntriesByName('canger:figures-painted').length > 0")
            paints.append(page.evaluate("performance.getEntriesByName('canger:figures-painted')[0].startTime"))
            contentful.append(
                page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: 0}).startTime")
            )
            page.wait_for_load_state("networkidle")
            requests_made.append(len(api))
            context.close()
        browser.close()
    paints, contentful, requests_made = paints[1:], contentful[1:], requests_made[1:]
    median = statistics.median(paints)
    print(f"city view in headless Chromium, {runs} cold loads (fresh context each):")
    print(
        f"  first meaningful paint (headline figures): median {median:.0f} ms, max {max(paints):.0f} ms "
        f"(budget {PAINT_BUDGET_MS} ms); runs: {', '.join(f'{p:.0f}' for p in paints)}"
    )
    print(f"  first contentful paint: median {statistics.median(contentful):.0f} ms")
    print(f"  API requests: {max(requests_made)} (budget {REQUEST_BUDGET})")
    return median <= PAINT_BUDGET_MS and max(requests_made) <= REQUEST_BUDGET


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not (DIST / "index.html").is_file():
        print("web/dist is not built: run `make web`")
        return 1
    ok = bench_size()
    with tempfile.TemporaryDirectory() as home, moto_endpoint() as endpoint:
        server = seeded_server(Path(home), endpoint)
        try:
            ok &= bench_page(server.base_url, args.runs)
        finally:
            stop_server(server)
    print("dashboard budgets:", "met" if ok else "BROKEN")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
