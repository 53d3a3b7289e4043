"""Every change to a child's record goes through these services.

Each runs in one transaction, validates the rules that span records, sets the history user
explicitly (no thread-local current user), writes the audit event and returns the object. Views,
commands, imports and the demo seeder call them as ``services.<entity>_<verb>``. By subject:

- ``children``: the child's own record (add, change, archive, read);
- ``care``: periods of care and their episodes (start, change of placement or status, end);
- ``allocation``: the child's IRO, allocation in bulk and cover;
- ``significant_changes``: changes addressed to the IRO and their acknowledgement;
- ``contacts``: the people around the child (added, changed, ended; never deleted);
- ``common``: what they share (the fields recorded, how a message names the child).
"""

from .allocation import (  # noqa: F401
    allocation_bulk_create,
    allocation_change,
    cover_end,
    cover_grant,
)
from .care import care_period_end, care_period_start, episode_change  # noqa: F401
from .children import child_archive, child_create, child_update, child_view  # noqa: F401
from .contacts import contact_add, contact_end, contact_update  # noqa: F401
from .significant_changes import (  # noqa: F401
    significant_change_acknowledge,
    significant_change_mark_seen,
    significant_change_record,
)
