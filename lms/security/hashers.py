"""Argon2id at OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1), configurable upwards.

Django's own Argon2 hasher uses 100 MiB and 8 lanes: on a 2-core server a synchronised exam
start (thousands of logins at once) would need gigabytes for hashing alone. OWASP's
recommended minimum keeps one check at a few tens of milliseconds of one core. Listed first in
PASSWORD_HASHERS, so existing PBKDF2 hashes are upgraded at the person's next login.
"""

import os

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # Django's Argon2 hasher already uses the argon2id variant
    memory_cost = int(os.environ.get("PASSWORD_ARGON2_MEMORY_KIB", "19456"))
    time_cost = int(os.environ.get("PASSWORD_ARGON2_TIME_COST", "2"))
    parallelism = int(os.environ.get("PASSWORD_ARGON2_PARALLELISM", "1"))
