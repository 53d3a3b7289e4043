"""Every change to reviews and the IRO's footprint goes through these services.

``booking``: booking the next review, moving or cancelling it. ``reviews``: recording a review
held, correcting it, and its actions. ``distribution``: who was sent the record and the
child's letter. ``footprint``: visits, midway reviews and case notes between reviews.
``common``: the checks and follow-ups they share.
"""

from .booking import (  # noqa: F401
    booking_warnings_for,
    review_book,
    review_cancel,
    review_reschedule,
)
from .distribution import (  # noqa: F401
    RecipientRefused,
    SentInput,
    review_distribution_record,
)
from .footprint import (  # noqa: F401
    ProgressInput,
    case_note_add,
    midway_review_record,
    visit_record,
)
from .invitations import review_invite  # noqa: F401
from .reviews import (  # noqa: F401
    ActionInput,
    action_update,
    review_notes_append,
    review_record,
    review_update,
)
