"""Real-time collaboration (jupyter-collaboration's `jupyter_server_ydoc`), when it is installed.

Nothing here imports `jupyter_server_ydoc` or `pycrdt` at module level: most installs have
neither, and the extension must load without them.
"""
