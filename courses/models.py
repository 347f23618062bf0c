"""Models of the courses app (filled by later issues)."""
