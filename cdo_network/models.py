"""Models of the cdo_network app (filled by later issues)."""
