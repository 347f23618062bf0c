"""Models of the certificates app (filled by later issues)."""
