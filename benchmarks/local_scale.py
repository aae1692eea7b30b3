"""The local stack at a city's scale (issue 11): flat latency and memory, nothing lost.

1. ``canger serve --empty``: 20,000 appeals POSTed by 4 client threads, then assign + resolve on 2,000.
   Budgets: median POST latency of the last 500 within 1.3x of the first 500; a community's listing
   (``GET /v1/appeals?community_id=``, one page, timed after a drain) at the end within 1.3x of the first
   (after the first 2,000 appeals, when a page is full); the server's RSS at the end at most 1 GB. Prints the curve:
   per 2,000 appeals, the median POST latency, the listing's latency and the RSS.
   Reliability, same run: after ``POST /_local/drain`` every appeal written is listed exactly once (each
   community's listing paged through) and the statistics equal what the clients did.
2. ``canger serve --demo programme`` loads in at most 90 s (from start to ready).
3. The stats consumer against the embedded (in-process) moto: events/s without and with
   ``canger_local.moto_patches`` (as ``benchmarks/stats.py`` measures it: 1,000 events, batches of 100).

    .venv/bin/python benchmarks/local_scale.py [--appeals 20000] [--actions 2000] [--threads 4]
                                               [--parts appeals,programme,consumer]

Exits 1 when a budget is broken or a reliability check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import offline  # noqa: E402

offline()

from canger_local import tokens  # noqa: E402
from services.common.domain import years  # noqa: E402
from services.common.domain.auth import Role  # noqa: E402
from services.common.domain.clock import utc_now  # noqa: E402
from services.common.domain.reference import directory  # noqa: E402

LATENCY_BUDGET = 1.3
RSS_BUDGET_MB = 1024
DEMO_BUDGET_SECONDS = 90
BLOCK = 2_000  # appeals per point of the curve
EDGE = 500  # appeals in the "first" and "last" medians


# The server under test ----------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    home: Path
    started: float
    ready_after: float = 0.0

    def url(self, path: str) -> str:
        return self.base + path

    def cpu_seconds(self) -> float:
        """The server's CPU time so far (user + system): what its work costs, whatever else the machine runs."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def server(*args: str, ready_seconds: float = 600) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="canger-bench-") as home:
        port = free_port()
        env = {**os.environ, "CANGER_HOME": home}
        env.pop("AWS_ENDPOINT_URL", None)
        log = open(Path(home) / "server.log", "w")  # noqa: SIM115 - closed with the process
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "canger_local.cli", "serve", "--port", str(port), *args],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.DEVNULL,  # one access line per request: 24,000 of them
        )
        running = Server(process, f"http://127.0.0.1:{port}", Path(home), started)
        try:
            deadline = started + ready_seconds
            while time.perf_counter() < deadline:
                if process.poll() is not None:
                    raise RuntimeError((Path(home) / "server.log").read_text()[-3000:])
                with contextlib.suppress(requests.ConnectionError, requests.Timeout):  # busy loading
                    if requests.get(running.url("/_local/health"), timeout=2).status_code == 200:
                        running.ready_after = time.perf_counter() - started
                        break
                time.sleep(0.2)
            else:
                raise RuntimeError(f"not ready in {ready_seconds} s")
            yield running
        finally:
            running.stop()
            log.close()


# 1. 20,000 appeals --------------------------------------------------------------------------------


@dataclass
class Written:
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: dict[str, str] = field(default_factory=dict)  # appeal id -> community
    latencies: list[float] = field(default_factory=list)  # in completion order


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def run_in_threads(count: int, threads: int, work: Callable[[requests.Session, int], None]) -> None:
    local = threading.local()

    def one(n: int) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        work(local.session, n)

    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(one, range(count)):
            pass


def listing_ms(srv: Server, headers: dict[str, str], community: str, runs: int = 7) -> float:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        response = requests.get(
            srv.url("/v1/appeals"), params={"community_id": community, "limit": 20}, headers=headers, timeout=60
        )
        took.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return median_ms(took)


def bench_appeals(total: int, actions: int, threads: int) -> bool:
    communities = list(directory().communities.values())
    with server("--empty") as srv:
        headers = {"Authorization": f"Bearer {tokens.issue(Role.CITY_ADMIN, sub='bench', key_home=srv.home)}"}
        written = Written()
        watched = communities[0].id

        def post(session: requests.Session, n: int) -> None:
            community = communities[n % len(communities)]
            body = {"community_id": community.id, "category": "medical", "title": f"诉求 {n}", "description": "d"}
            started = time.perf_counter()
            response = session.post(srv.url("/v1/appeals"), json=body, headers=headers, timeout=60)
            took = time.perf_counter() - started
            assert response.status_code == 201, response.text
            with written.lock:
                written.ids[response.json()["id"]] = community.id
                written.latencies.append(took)

        print(
            f"appeals: {total:,} POSTed by {threads} threads to canger serve --empty (ready in {srv.ready_after:.1f} s)"
        )
        print(f"  {'appeals':>8}  {'POST median':>12}  {'listing':>9}  {'RSS':>8}")
        curve = []
        for start in range(0, total, BLOCK):
            size = min(BLOCK, total - start)
            run_in_threads(size, threads, lambda s, n, start=start: post(s, start + n))
            block = written.latencies[start : start + size]
            # The listing is timed on a quiet server: after the consumer has caught up, as at the end.
            requests.post(srv.url("/_local/drain"), timeout=600)
            point = (start + size, median_ms(block), listing_ms(srv, headers, watched), srv.rss_mb())
            curve.append(point)
            print(f"  {point[0]:>8,}  {point[1]:>9.1f} ms  {point[2]:>6.1f} ms  {point[3]:>5.0f} MB", flush=True)

        # Then work on 2,000 of them: assign, resolve.
        chosen = list(written.ids)[:: max(1, len(written.ids) // actions)][:actions]

        def act(session: requests.Session, n: int) -> None:
            for action, body in (
                ("assign", {"assignee": "社区物业办"}),
                ("resolve", {"resolution": "已解决", "on_site": n % 2 == 0}),
            ):
                response = session.post(
                    srv.url(f"/v1/appeals/{chosen[n]}/{action}"), json=body, headers=headers, timeout=60
                )
                assert response.status_code == 200, response.text

        started = time.perf_counter()
        run_in_threads(len(chosen), threads, act)
        acted = time.perf_counter() - started
        print(
            f"  assign + resolve on {len(chosen):,}: {acted:.0f} s ({acted / len(chosen) / 2 * 1000:.1f} ms a request)"
        )
        first_post, last_post = median_ms(written.latencies[:EDGE]), median_ms(written.latencies[-EDGE:])
        # Reliability: drained, every appeal listed exactly once, figures equal to what was done.
        drained = requests.post(srv.url("/_local/drain"), timeout=600).json()
        first_list, last_list = curve[0][2], listing_ms(srv, headers, watched)
        rss, cpu = srv.rss_mb(), srv.cpu_seconds()

        listed: Counter[str] = Counter()
        for community in communities:
            cursor = None
            while True:
                params = {"community_id": community.id, "limit": 100, **({"cursor": cursor} if cursor else {})}
                page = requests.get(srv.url("/v1/appeals"), params=params, headers=headers, timeout=60).json()
                listed.update(item["id"] for item in page["items"])
                cursor = page.get("next_cursor")
                if not cursor:
                    break
        once = set(listed) == set(written.ids) and set(listed.values()) == {1}
        year = years.year_of(utc_now())
        truth = Counter(written.ids.values())
        wrong = []
        city = requests.get(srv.url(f"/v1/stats/{year}"), timeout=60).json()["appeals"]
        if (city["submitted"], city["resolved"]) != (len(written.ids), len(chosen)):
            wrong.append(("city", (city["submitted"], city["resolved"]), (len(written.ids), len(chosen))))
        for community in communities:
            figures = requests.get(
                srv.url(f"/v1/stats/{year}"), params={"scope": f"community:{community.id}"}, timeout=60
            ).json()
            if figures["appeals"]["submitted"] != truth[community.id]:
                wrong.append((community.id, figures["appeals"]["submitted"], truth[community.id]))
        shown_ok = not wrong

    ok = True

    def verdict(passed: bool) -> str:
        nonlocal ok
        ok &= passed
        return "ok" if passed else "OVER BUDGET"

    post_ratio, list_ratio = last_post / first_post, last_list / first_list
    print(
        f"  POST median, first {EDGE} / last {EDGE}:   {first_post:.1f} ms / {last_post:.1f} ms = "
        f"{post_ratio:.2f}x (budget {LATENCY_BUDGET}x) {verdict(post_ratio <= LATENCY_BUDGET)}"
    )
    print(
        f"  listing, after {BLOCK:,} / at the end:     {first_list:.1f} ms / {last_list:.1f} ms = "
        f"{list_ratio:.2f}x (budget {LATENCY_BUDGET}x) {verdict(list_ratio <= LATENCY_BUDGET)}"
    )
    print(
        f"  server RSS at the end:              {rss:.0f} MB (budget {RSS_BUDGET_MB} MB) "
        f"{verdict(rss <= RSS_BUDGET_MB)}"
    )
    print(f"  server CPU for all of it:           {cpu:.0f} s (load average now {os.getloadavg()[0]:.1f})")
    print(f"  drained:                            {drained}")
    reliable = drained.get("drained") is True and once and shown_ok
    ok &= reliable
    print(
        f"  every appeal listed exactly once:   {'yes' if once else 'NO'} ({sum(listed.values()):,} listed, "
        f"{len(written.ids):,} written); statistics equal the truth: {'yes' if shown_ok else 'NO'}"
    )
    for where, shown, true in wrong:
        print(f"    {where}: shown {shown}, truth {true}")
    return ok


# 2. The programme demo ----------------------------------------------------------------------------


def bench_programme() -> bool:
    with server("--demo", "programme") as srv:
        seconds, cpu = srv.ready_after, srv.cpu_seconds()
        said = [line for line in (srv.home / "server.log").read_text().splitlines() if "programme demo" in line]
        rss = srv.rss_mb()
    ok = seconds <= DEMO_BUDGET_SECONDS
    print(
        f"programme demo: ready {seconds:.0f} s after start (budget {DEMO_BUDGET_SECONDS} s) "
        f"{'ok' if ok else 'OVER BUDGET'}; the server used {cpu:.0f} s of CPU "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(f"  {said[0] if said else '(no summary printed)'}; RSS {rss:.0f} MB")
    return ok and bool(said)


# 3. Consumer throughput, moto with and without the patch -----------------------------------------


def consumer_events_per_second(count: int) -> float:
    from moto import mock_aws

    from canger_local import resources
    from services.common.config import get_settings
    from services.common.data import aws
    from services.stats import consumer
    from testkit import synthetic

    with mock_aws(), contextlib.redirect_stderr(io.StringIO()):
        aws.reset_clients()
        get_settings.cache_clear()
        resources.create_all(get_settings())
        made = synthetic.events(count)
        synthetic.write_outbox(made)
        records = synthetic.sqs_records(made)
        started = time.perf_counter()
        for i in range(0, len(records), 100):
            consumer.handle_batch(records[i : i + 100])
        elapsed = time.perf_counter() - started
    aws.reset_clients()
    return count / elapsed


def bench_consumer(count: int) -> bool:
    from canger_local import moto_patches
    from services.common.observability import logger

    logger.registered_handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the whole run
    with moto_patches.unpatched():
        before = consumer_events_per_second(count)
    moto_patches.apply()
    after = consumer_events_per_second(count)
    print(f"stats consumer against in-process moto, {count:,} events in batches of 100:")
    print(f"  moto as it ships: {before:>8.0f} events/s")
    print(f"  moto_patches:     {after:>8.0f} events/s  ({after / before:.1f}x)")
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=20_000)
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--parts", default="appeals,programme,consumer", help="which parts to run, comma-separated")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(
        f"local stack at scale (python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the start)"
    )
    ok = True
    if "appeals" in parts:
        ok &= bench_appeals(args.appeals, args.actions, args.threads)
    if "programme" in parts:
        ok &= bench_programme()
    if "consumer" in parts:
        ok &= bench_consumer(args.events)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
