"""Every change to a dispute goes through these services.

``stages``: raising a dispute, answering each stage, escalating up the ladder. ``closing``:
resolving, withdrawing, referring to CAFCASS and CAFCASS's outcome. ``common``: the checks
every one starts with, and the response due date of a stage.
"""

from .closing import (  # noqa: F401
    cafcass_outcome_record,
    dispute_refer_to_cafcass,
    dispute_resolve,
    dispute_withdraw,
)
from .common import raisable_work, response_due_on  # noqa: F401
from .stages import (  # noqa: F401
    dispute_escalate,
    dispute_raise,
    dispute_record_meeting,
    dispute_record_response,
)
