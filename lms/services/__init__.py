"""Write operations of the learning core. Views and tasks call these; they never write models.

``accounts``: memberships, organisations and profiles; ``learning``: enrolment, progress, quizzes
and completion.
"""

from .accounts import (
    membership_remove,
    membership_set,
    organisation_ensure,
    user_update_profile,
)

__all__ = ["membership_remove", "membership_set", "organisation_ensure", "user_update_profile"]
