"""A probe from other scanners' unit-test fixtures, labelled by this project's policy.

    python3 bench/probes/upstream_fixtures.py [--mirrors /work/.mirror] [--out FILE]

Reads git mirrors (MIRRORS/<owner>+<name>/repo, as the `fetch` tool leaves them, or bare clones)
of Yelp/detect-secrets, gitleaks/gitleaks and secretlint/secretlint at their HEADs (each sample's
source names the commit), and
writes samples in the labelled-corpus format ({"id", "text", "label", "type", "source", ...}) to
bench/.corpus/upstream-fixtures.jsonl (git ignores it: the fixture texts are the upstream projects'
data, so only this script and the relabels are kept here).

- detect-secrets: the literal (line, expected) pairs in tests/plugins/*_test.py. The test modules
  are read with `ast` and a small evaluator of string constants, `.format` and `+`; nothing of
  theirs is run.
- gitleaks: the literal strings of each rule's `tps` (true positives) and `fps` lists in
  cmd/generate/config/rules/*.go.
- secretlint: each rule's test/snapshots/<case>/input.* with its output.json (a case is positive
  when the rule reported something).

Upstream labels are then corrected by this project's policy (placeholders, references and
documented examples are not credentials; a real-looking value is one, whatever the upstream rule
meant to test) from bench/probes/upstream-fixtures.relabel.jsonl: {"id", "label", "reason"}.
Samples whose text or secret is in ../shared/corpus/dev.jsonl are left out.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RELABEL = Path(__file__).with_name("upstream-fixtures.relabel.jsonl")
DEV = ROOT.parent.parent / "shared" / "corpus" / "dev.jsonl"


class Mirror:
    def __init__(self, mirrors: Path, repo: str) -> None:
        base = mirrors / repo.replace("/", "+") / "repo"
        self.git_dir = base / ".git" if (base / ".git" / "HEAD").exists() else base
        if not (self.git_dir / "HEAD").exists():
            raise SystemExit(f"no mirror of {repo} in {mirrors}: fetch it first")
        self.commit = self._git("rev-parse", "HEAD").strip()

    def _git(self, *args: str) -> str:
        out = subprocess.run(
            ["git", "--git-dir", str(self.git_dir), *args], capture_output=True, check=True
        ).stdout
        return out.decode("utf-8", errors="replace")

    def files(self) -> list[str]:
        return self._git("ls-tree", "-r", "--name-only", self.commit).splitlines()

    def read(self, path: str) -> str:
        return self._git("show", f"{self.commit}:{path}")


# --- detect-secrets: a tiny evaluator of the test modules' string expressions ---------------


class _Unknown(Exception):
    pass


def _evaluate(node: ast.AST, env: dict[str, object]) -> object:  # noqa: PLR0912
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise _Unknown(node.id)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [_evaluate(e, env) for e in node.elts]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _evaluate(node.left, env), _evaluate(node.right, env)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None or value.conversion != -1:
                    raise _Unknown("format spec")
                parts.append(str(_evaluate(value.value, env)))
            else:
                parts.append(str(_evaluate(value, env)))
        return "".join(parts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and not node.keywords
    ):
        template = _evaluate(node.func.value, env)
        if isinstance(template, str):
            args = [_evaluate(a, env) for a in node.args]
            if all(isinstance(a, (str, int)) for a in args):
                return template.format(*args)
    raise _Unknown(ast.dump(node)[:40])


def detect_secrets_samples(mirror: Mirror) -> list[dict]:  # noqa: PLR0912
    samples = []
    for path in mirror.files():
        if not re.fullmatch(r"tests/plugins/\w+_test\.py", path):
            continue
        tree = ast.parse(mirror.read(path))
        env: dict[str, object] = {}
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    try:
                        env[target.id] = _evaluate(statement.value, env)
                    except _Unknown:
                        pass
        pairs: list[object] = []
        for node in ast.walk(tree):
            # @pytest.mark.parametrize('line, should_flag', [...]) and module-level *_CASES lists
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "parametrize"
                and len(node.args) >= 2
            ):
                try:
                    pairs.extend(_evaluate(node.args[1], env))  # type: ignore[arg-type]
                except _Unknown:
                    continue
        for name, value in env.items():
            if name.endswith("_CASES") and isinstance(value, list):
                pairs.extend(value)
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                continue
            text, expected = pair
            if not isinstance(expected, (bool, str)) and expected is not None:
                continue
            label = 1 if expected else 0
            secret = expected if isinstance(expected, str) else None
            plugin = path.split("/")[-1][: -len("_test.py")]
            samples.append(
                sample(
                    "ds",
                    f"{plugin}",
                    text,
                    label,
                    plugin,
                    f"detect-secrets:{path}@{mirror.commit[:12]}",
                    secret,
                )
            )
    return samples


# --- gitleaks: literal strings of the rules' tps and fps lists ---------------------------------

GO_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`([^`]*)`')
GO_LIST = re.compile(r"\b(tps|fps)\b[^\n]*?\[\]string\{|\[\]string\{")


def _go_unquote(raw: str) -> str:
    try:
        return json.loads(f'"{raw}"')
    except json.JSONDecodeError:
        return raw.encode().decode("unicode_escape", errors="replace")


def gitleaks_samples(mirror: Mirror) -> list[dict]:
    samples = []
    for path in mirror.files():
        if not re.fullmatch(r"cmd/generate/config/rules/\w+\.go", path):
            continue
        source = mirror.read(path)
        rule = re.search(r'RuleID:\s*"([^"]+)"', source)
        for match in GO_LIST.finditer(source):
            kind = match.group(1) or _last_list_name(source, match.start())
            if kind not in ("tps", "fps"):
                continue
            end = _closing_brace(source, match.end())
            for literal in GO_STRING.finditer(source, match.end(), end):
                text = (
                    _go_unquote(literal.group(1))
                    if literal.group(1) is not None
                    else literal.group(2)
                )
                if len(text.strip()) < 8:
                    continue
                samples.append(
                    sample(
                        "gl",
                        rule.group(1) if rule else path,
                        text,
                        1 if kind == "tps" else 0,
                        rule.group(1) if rule else "gitleaks",
                        f"gitleaks:{path}@{mirror.commit[:12]}",
                    )
                )
    return samples


def _last_list_name(source: str, before: int) -> str:
    """tps or fps when the nearest preceding field or variable is one (not Keywords, StopWords...)."""  # noqa: E501
    names = re.findall(
        r"\b(tps|fps|Keywords|StopWords|Paths|Regexes|Regex|RuleID)\b",
        source[max(0, before - 400) : before],
    )
    return names[-1] if names else ""


def _closing_brace(source: str, start: int) -> int:
    depth, i, in_string = 1, start, ""
    while i < len(source) and depth:
        ch = source[i]
        if in_string:
            if ch == "\\" and in_string == '"':
                i += 1
            elif ch == in_string:
                in_string = ""
        elif ch in '"`':
            in_string = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        i += 1
    return i


# --- secretlint: snapshot inputs and whether the rule reported --------------------------------


def secretlint_samples(mirror: Mirror) -> list[dict]:
    samples = []
    files = set(mirror.files())
    for path in sorted(files):
        m = re.fullmatch(
            r"packages/@secretlint/(secretlint-rule-[\w-]+)/test/snapshots/([^/]+)/input\.[\w.]+",
            path,
        )
        if not m or "preset" in m.group(1):
            continue
        output = f"{path.rsplit('/', 1)[0]}/output.json"
        if output not in files:
            continue
        try:
            messages = json.loads(mirror.read(output)).get("messages", [])
        except json.JSONDecodeError:
            continue
        text = mirror.read(path)
        if len(text) > 20000 or "\0" in text:
            continue
        samples.append(
            sample(
                "sl",
                f"{m.group(1)}/{m.group(2)}",
                text,
                1 if messages else 0,
                m.group(1),
                f"secretlint:{path}@{mirror.commit[:12]}",
            )
        )
    return samples


_counts: dict[str, int] = {}


def sample(  # noqa: PLR0917
    prefix: str, name: str, text: str, label: int, kind: str, source: str, secret: str | None = None
) -> dict:
    key = f"{prefix}:{name}"
    _counts[key] = _counts.get(key, 0) + 1
    record = {
        "id": f"{key}:{_counts[key]}",
        "text": text,
        "label": label,
        "type": kind,
        "source": source,
        "synthesized": False,
    }
    if secret:
        record["secret"] = secret
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / ".corpus" / "upstream-fixtures.jsonl"
    )
    args = parser.parse_args()

    samples = (
        detect_secrets_samples(Mirror(args.mirrors, "Yelp/detect-secrets"))
        + gitleaks_samples(Mirror(args.mirrors, "gitleaks/gitleaks"))
        + secretlint_samples(Mirror(args.mirrors, "secretlint/secretlint"))
    )
    dev_texts, dev_secrets = set(), set()
    if DEV.exists():
        for line in DEV.read_text().splitlines():
            if line.strip():
                d = json.loads(line)
                dev_texts.add(d["text"].strip())
                if d.get("secret"):
                    dev_secrets.add(d["secret"])
    relabels = {}
    if RELABEL.exists():
        for line in RELABEL.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                relabels[r["id"]] = r
    seen: set[str] = set()
    kept = []
    for s in samples:
        text = s["text"].strip()
        if (
            text in seen
            or text in dev_texts
            or any(secret in text for secret in _secrets_in(text, dev_secrets))
        ):
            continue
        seen.add(text)
        s["upstream_label"] = s["label"]
        if s["id"] in relabels:
            s["label"] = relabels[s["id"]]["label"]
            s["relabel_reason"] = relabels[s["id"]]["reason"]
        s["policy"] = "credential" if s["label"] else "not-a-credential"
        kept.append(s)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(s) + "\n" for s in kept))
    positives = sum(s["label"] for s in kept)
    print(
        f"{len(kept)} samples ({positives} credentials, {len(kept) - positives} not) -> {args.out}",
        file=sys.stderr,
    )


def _secrets_in(text: str, secrets: set[str]) -> list[str]:
    """Dev-corpus secrets (16+ characters) that appear in a text."""
    return [s for s in secrets if len(s) >= 16 and s in text]


if __name__ == "__main__":
    main()
