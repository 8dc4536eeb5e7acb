"""Use for git: git reads a mounted key as its password through a credential helper."""
