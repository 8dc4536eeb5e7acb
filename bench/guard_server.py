"""Server side of the notebook guard: exact-value leak checks and the pre-save scan, timed.

    .venv/bin/python bench/guard_server.py [--secrets 40] [--repeat 5]

Workloads: the texts of a ~5 MB notebook (code, tables, logs, tracebacks; a few mounted values
planted) and of a 500-cell notebook of small cells. Measured in one run, side by side:

- `POST /secret-mounts/check` end to end against a real `jupyter server` (HTTP, JSON, the mounts'
  ETag check and the match), median of --repeat;
- the matching core (`ValueIndex`, one Aho-Corasick automaton) against two peers finding the same
  forms: a `str.find` loop per form and one compiled regex alternation;
- the pre-save scan (patterns + values) against detect-secrets (PyPI) on the same texts, if
  installed.

No value is printed. Timings are wall-clock on this machine; ratios matter more than seconds.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import secrets
import shutil
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchserver import DEFAULT_PORT, Server

from jupyterlab_secret_mounts import demo
from jupyterlab_secret_mounts.guard.findings import FindingsStore
from jupyterlab_secret_mounts.guard.save_hook import SaveGuard
from jupyterlab_secret_mounts.guard.value_forms import value_forms
from jupyterlab_secret_mounts.guard.value_index import SecretValue, ValueIndex
from jupyterlab_secret_mounts.mounts.kubelet import write_atomic
from jupyterlab_secret_mounts.mounts.value_facts import MatchFloor, match_strength
from jupyterlab_secret_mounts.scanner import PatternScanner, load_rules
from jupyterlab_secret_mounts.scanner.notebook import NotebookText

MIN_LENGTH = 6
MIN_BITS = 40.0
LOG = logging.getLogger("guard-bench")
WORDS = "import pandas numpy df plot value result print self return model data train loss".split()


def make_secrets(root: Path, extra: int) -> list[SecretValue]:
    """The demo folders plus `extra` random keys, as a workspace with many Secrets has."""
    demo.create(str(root))
    rng = random.Random(7)  # noqa: S311 - reproducible filler, not a secret
    for team in range(max(extra // 4, 1)):
        files = {f"key-{k}": secrets.token_urlsafe(rng.randint(12, 48)).encode() for k in range(4)}
        write_atomic(str(root / f"team-{team}"), files)
    found: list[SecretValue] = []
    for folder in sorted(root.iterdir()):
        data = folder / "..data"
        for path in sorted(p for p in data.rglob("*") if p.is_file()):
            found.append(SecretValue(str(folder), str(path.relative_to(data)), path.read_bytes()))
    return found


def filler(rng: random.Random, size: int) -> str:
    """Notebook-shaped text: code lines, numeric tables, log lines, some unicode."""
    lines: list[str] = []
    total = 0
    while total < size:
        kind = rng.random()
        if kind < 0.4:
            call = f"{rng.choice(WORDS)}({rng.randint(0, 999)}, '{rng.choice(WORDS)}')"
            line = f"{rng.choice(WORDS)} = {call}"
        elif kind < 0.7:
            line = "  ".join(f"{rng.random():.6f}" for _ in range(8))
        elif kind < 0.9:
            token = "".join(rng.choices(string.ascii_letters + string.digits, k=24))
            line = f"INFO step {rng.randint(0, 10**6)} id={token} loss={rng.random():.4f}"
        else:
            line = f"# résumé naïve 😀 {rng.choice(WORDS)} ü"
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)


def workloads(values: list[SecretValue]) -> dict[str, list[str]]:
    rng = random.Random(11)  # noqa: S311 - reproducible filler, not a secret
    texts = [v.value.decode() for v in values[:3] if not v.key.endswith(".jks")]
    big = [filler(rng, 16_000) for _ in range(320)]  # ~5 MB in 320 cells' sources and outputs
    small = [filler(rng, 200) for _ in range(500)]
    for i, value in enumerate(texts):  # a few real leaks, like a printed password
        big[i * 97] += f"\nprint('{value}')"
        small[i * 131] += f"\npw = '{value}'"
    return {"5 MB notebook": big, "500 small cells": small}


def median_seconds(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- peers for the matching core -------------------------------------------------------------


def all_forms(values: list[SecretValue]) -> list[str]:
    """What the index searches for, for the peers: the forms of every value above the floor."""
    floor = MatchFloor(MIN_LENGTH, MIN_BITS)
    forms: set[str] = set()
    for value in values:
        if floor.admits(match_strength(value.value)):
            forms.update(value_forms(value.value))
    return sorted(forms, key=len, reverse=True)


def naive_find(forms: list[str], texts: list[str]) -> int:
    hits = 0
    for text in texts:
        for form in forms:
            at = text.find(form)
            while at != -1:
                hits += 1
                at = text.find(form, at + 1)
    return hits


def regex_alternation(pattern: re.Pattern[str], texts: list[str]) -> int:
    return sum(1 for text in texts for _ in pattern.finditer(text))


def detect_secrets_scan(texts: list[str]) -> int | None:
    try:
        from detect_secrets.core.scan import scan_line  # noqa: PLC0415
        from detect_secrets.settings import default_settings  # noqa: PLC0415
    except ImportError:
        return None
    found = 0
    with default_settings():
        for text in texts:
            for line in text.splitlines():
                found += sum(1 for _ in scan_line(line))
    return found


# --- a real server ---------------------------------------------------------------------------


@dataclass
class Contenders:
    server: Server
    index: ValueIndex
    forms: list[str]
    alternation: re.Pattern[str]
    guard: SaveGuard


def report(name: str, texts: list[str], who: Contenders, repeat: int) -> None:
    """Time one workload with every contender and print the figures and ratios."""
    server, index, forms, alternation, guard = (
        who.server,
        who.index,
        who.forms,
        who.alternation,
        who.guard,
    )
    size = sum(len(t.encode()) for t in texts) / 1e6
    body = json.dumps({"texts": [{"id": str(i), "text": t} for i, t in enumerate(texts)]}).encode()
    parts = [NotebookText(i, "source", t) for i, t in enumerate(texts)]

    def post() -> bytes:
        return server.request("POST", "/secret-mounts/check", body)

    def ours() -> list[list[Any]]:
        return [index.find(text) for text in texts]

    def naive() -> int:
        return naive_find(forms, texts)

    def regex() -> int:
        return regex_alternation(alternation, texts)

    def hook_scan() -> Any:
        return guard.scan(parts)

    matches = len(json.loads(post())["matches"])
    findings = hook_scan().total
    t_http = median_seconds(post, repeat)
    t_ours = median_seconds(ours, repeat)
    t_naive = median_seconds(naive, repeat)
    t_regex = median_seconds(regex, 1)
    t_scan = median_seconds(hook_scan, max(1, repeat // 2))
    start = time.perf_counter()
    peer_found = detect_secrets_scan(texts)
    t_detect = time.perf_counter() - start

    print(f"== {name}: {len(texts)} texts, {size:.2f} MB; {matches} value matches")
    print(f"  POST /secret-mounts/check (HTTP, end to end) {t_http * 1000:9.1f} ms")
    print(f"  value match, Aho-Corasick (ours)             {t_ours * 1000:9.1f} ms")
    print(f"  value match, str.find per form (peer)        {t_naive * 1000:9.1f} ms"
          f"  ours is {t_naive / t_ours:6.1f}x faster")  # fmt: skip
    print(f"  value match, regex alternation (peer)        {t_regex * 1000:9.1f} ms"
          f"  ours is {t_regex / t_ours:6.1f}x faster")  # fmt: skip
    print(f"  pre-save scan, patterns + values (ours)      {t_scan * 1000:9.1f} ms"
          f"  {size / t_scan:6.1f} MB/s, {findings} findings")  # fmt: skip
    if peer_found is None:
        print("  detect-secrets: not installed (pip install detect-secrets)")
    else:
        print(f"  detect-secrets scan_line (peer, patterns)    {t_detect * 1000:9.1f} ms"
              f"  ours is {t_detect / t_scan:6.1f}x faster, {peer_found} findings")  # fmt: skip
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--secrets", type=int, default=40, help="extra random keys to mount")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="9030-9049 here")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="guard-bench-"))
    try:
        root = workdir / "secrets"
        values = make_secrets(root, args.secrets)
        index = ValueIndex.of(values, MatchFloor(MIN_LENGTH, MIN_BITS))
        forms = all_forms(values)
        alternation = re.compile("|".join(map(re.escape, forms)))
        patterns = PatternScanner(load_rules())
        print(
            f"{len(values)} mounted keys, {len(forms)} searched forms ({index.indexed_keys} keys)"
        )
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus\n")

        guard = SaveGuard(lambda: "warn", lambda: index, patterns, FindingsStore(), LOG)
        server = Server(root, workdir, port=args.port)
        try:
            for name, texts in workloads(values).items():
                who = Contenders(server, index, forms, alternation, guard)
                report(name, texts, who, args.repeat)
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
