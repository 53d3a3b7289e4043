"""Every change to reviews and the IRO's footprint goes through these services."""

from .footprint import (  # noqa: F401
    ProgressInput,
    case_note_add,
    midway_review_record,
    visit_record,
)
from .reviews import (  # noqa: F401
    ActionInput,
    action_update,
    review_book,
    review_cancel,
    review_record,
    review_record_distribution,
    review_reschedule,
    review_update,
)
