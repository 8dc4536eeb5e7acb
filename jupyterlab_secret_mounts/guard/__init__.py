"""The server side of the notebook guard: leak checks and the pre-save hook.

Finds mounted values (exact, base64 and URL forms; `value_index`) and credential patterns
(the `scanner` port) in the texts of a notebook or file, keeps the findings of the last save
per file, and enforces `SecretMounts.save_policy`. `service.create_guard` builds it.
"""
