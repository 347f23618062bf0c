"""Serve ralph's LRS API (run by the ralph virtualenv's Python, see ralph_lrs.py).

ralph's file-system backend, the one that needs no database server, opens its statements file
in "create" mode, so it refuses every write after the first (HTTP 500 "bulk indexation
failed"). Here it appends instead; everything else (validation, authentication, duplicate and
conflict checks, queries) is ralph's own.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
