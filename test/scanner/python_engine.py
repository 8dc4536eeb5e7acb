"""The Python engine for test/scanner/parity.spec.ts: a JSON request on stdin, a JSON answer out.

Request: {"texts": [...], "values": [...JSON texts...]}. Answer: each text's findings as
[rule, start, end] (UTF-16 offsets), and each value parsed with Python's json and written back with
the server's `json_text` (the notebook-text contract's JSON text).
"""

import json
import sys

from jupyterlab_secret_mounts.scanner import PatternScanner, load_rules
from jupyterlab_secret_mounts.scanner.json_text import json_text

request = json.load(sys.stdin)
scanner = PatternScanner(load_rules())
json.dump(
    {
        "findings": [[[f.rule, f.start, f.end] for f in scanner.scan(t)] for t in request["texts"]],
        "jsonTexts": [json_text(json.loads(value)) for value in request["values"]],
    },
    sys.stdout,
)
