"""Run snippets in a real IPython shell, the way a notebook cell runs, for the jest specs.

Reads a JSON list of {"code": ..., "var": ...} on stdin. For each, runs the code as one cell
and reports what the cell printed (the displayhook would print an echoed value here), whether
it failed, whether IPython's last statement is an assignment, and the variable's value
(test data only: the temp files hold made-up values).
"""

import ast
import base64
import contextlib
import io
import json
import sys

from IPython.core.inputtransformer2 import TransformerManager
from IPython.core.interactiveshell import InteractiveShell


def last_statement(code: str) -> str:
    """Kind of the last top-level statement after IPython's own transforms (`!`, `%%`)."""
    body = ast.parse(TransformerManager().transform_cell(code)).body
    return type(body[-1]).__name__ if body else ""


def value_of(value: object) -> dict[str, object]:
    if isinstance(value, bytes):
        return {"type": "bytes", "base64": base64.b64encode(value).decode()}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    return {"type": type(value).__name__, "json": json.loads(json.dumps(value))}


def main() -> None:
    shell = InteractiveShell.instance(colors="nocolor")
    results = []
    for cell in json.load(sys.stdin):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result = shell.run_cell(cell["code"], store_history=True)
        failure = result.error_before_exec or result.error_in_exec
        name = cell.get("var")
        results.append(
            {
                "stdout": out.getvalue(),
                "stderr": err.getvalue(),
                "error": repr(failure) if failure else None,
                "displayed": result.result is not None,
                "last": last_statement(cell["code"]),
                "value": value_of(shell.user_ns[name]) if name in shell.user_ns else None,
            }
        )
    json.dump(results, sys.__stdout__)


if __name__ == "__main__":
    main()
