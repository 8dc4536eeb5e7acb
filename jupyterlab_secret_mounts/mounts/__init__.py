"""Mounted secret folders: where they are, what keys they hold, and reading a value.

Finds folders (configured roots, kubelet volumes in mountinfo, the service account), reads them
in kubelet's atomic-writer layout without following symbolic links, and describes each key
(size, mode, fingerprint; never the value). `service.SecretMountsService` is the entry point.
Imports nothing from the guard or the server adapter.
"""
