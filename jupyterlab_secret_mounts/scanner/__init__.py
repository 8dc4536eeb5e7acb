"""The credential scanner: the Python port of `src/scanner`, reading the same `rules.json`.

Pure: no Jupyter, Tornado, mounts or guard imports. Findings carry JavaScript string indices (UTF-16
code units), so they agree with the TypeScript engine to the character.
"""

from .engine import EMPTY_RULE_SET, PatternFinding, PatternScanner, ScanTimeout, load_rules

__all__ = ["EMPTY_RULE_SET", "PatternFinding", "PatternScanner", "ScanTimeout", "load_rules"]
