"""Checking a file that arrives in pieces, in bounded memory.

JupyterLab uploads files over 1 MiB in chunks (`chunk`: 1, 2, ..., and -1 for the last) and
jupyter_server appends each to the file as it comes, so each piece must be checked before it is
written: waiting for the last chunk would leave the earlier ones on disk unchecked (and a client
may never send it). Each piece is decoded (UTF-8, incrementally, so a character split across two
pieces is kept whole) and checked together with the end of the text before it (`overlap`
characters, at least the longest form of any mounted value), so a value or credential cut in two
by a chunk boundary is still found, once.

Notebook JSON escapes quotes, backslashes and control characters in strings, so `.ipynb` text is
read with those escapes undone: a value holding `"` is found as the user wrote it. Offsets are
then those of the unescaped text. Bytes that are not UTF-8 turn the stream binary: exact values
are still looked for, credential patterns no longer.
"""

from __future__ import annotations

import codecs
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from ..scanner.utf16 import Utf16Offsets
from .findings import MAX_STORED_FINDINGS, Finding

#: Characters of the previous text kept for the next piece, at least (credential patterns:
#: a PEM private key block is under 4 KiB).
PATTERN_OVERLAP = 16 * 1024
#: Uploads followed at once; the oldest is dropped first (its next chunk starts afresh).
MAX_STREAMS = 64

_JSON_ESCAPE = re.compile(r'\\(["\\/bfnrt]|u[0-9a-fA-F]{4})')

#: Checks one text: `(text, binary) -> findings` with offsets in UTF-16 units of that text.
CheckText = Callable[[str, bool], Sequence[Finding]]


def unescape_json(text: str) -> str:
    """JSON string escapes undone wherever they are (a cut escape at the end is left as is)."""

    return _JSON_ESCAPE.sub(lambda escape: str(json.loads(f'"{escape.group(0)}"')), text)


class TextStream:
    """The running check of one file arriving in pieces."""

    def __init__(self, path: str) -> None:
        self.json = path.endswith((".ipynb", ".json"))
        self.binary = False
        #: At most `MAX_STORED_FINDINGS` (memory stays bounded whatever the file holds).
        self.findings: list[Finding] = []
        self.total = 0
        self.incomplete: str | None = None  # why part of it could not be checked
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._tail = ""  # the end of the text so far, checked again with the next piece
        self._before_tail = 0  # UTF-16 units of text before `_tail`
        self.lock = threading.Lock()

    def feed(self, data: bytes, final: bool, check: CheckText, overlap: int) -> list[Finding]:
        """Check one more piece; returns the findings it added."""
        window = self._tail + self._decode(data, final)
        view = unescape_json(window) if self.json else window
        seen = len(unescape_json(self._tail)) if self.json else len(self._tail)
        units = Utf16Offsets(view)
        seen_units = units(seen)
        added = [
            Finding(
                self._before_tail + f.start,
                self._before_tail + f.end,
                rule=f.rule,
                mount=f.mount,
                key=f.key,
                encoding=f.encoding,
            )
            for f in check(view, self.binary)
            if f.end > seen_units  # ends in the new text: not found with the previous piece
        ]
        keep = max(overlap, PATTERN_OVERLAP)
        cut = max(0, len(window) - keep)
        self._before_tail += Utf16Offsets(window)(cut) if cut else 0
        self._tail = window[cut:]
        self.total += len(added)
        self.findings += added[: MAX_STORED_FINDINGS - len(self.findings)]
        return added

    def _decode(self, data: bytes, final: bool) -> str:
        if not self.binary:
            try:
                return self._decoder.decode(data, final)
            except UnicodeDecodeError:
                # Not text after all: from here on, exact values only, read leniently.
                self.binary = True
                self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        return self._decoder.decode(data, final)


class Streams:
    """The uploads in progress, by path (bounded; thread-safe)."""

    def __init__(self, limit: int = MAX_STREAMS) -> None:
        self._streams: OrderedDict[str, TextStream] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def start(self, path: str) -> TextStream:
        with self._lock:
            stream = TextStream(path)
            self._streams.pop(path, None)
            self._streams[path] = stream
            while len(self._streams) > self._limit:
                self._streams.popitem(last=False)
            return stream

    def get(self, path: str) -> TextStream | None:
        with self._lock:
            return self._streams.get(path)

    def end(self, path: str) -> None:
        with self._lock:
            self._streams.pop(path, None)
