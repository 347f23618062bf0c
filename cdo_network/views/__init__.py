"""Views of the CDO network, one module per part; each checks access on the server."""
