"""detect-secrets over files, with its default plugins and filters: one JSON line per finding,
{path, line, rule, value}, for bench/peers/detect-secrets.mjs, which hashes the value at once."""

import json
import sys

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

with default_settings():
    for path in sys.argv[1:]:
        secrets = SecretsCollection()
        secrets.scan_file(path)
        for _, secret in secrets:
            print(
                json.dumps(
                    {
                        "path": path,
                        "line": secret.line_number,
                        "rule": secret.type,
                        "value": secret.secret_value,
                    }
                )
            )
