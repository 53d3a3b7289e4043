"""The models of the children app, by subject; import them from here (``children.models``).

- ``child``: the child and their sibling group;
- ``care``: care episodes, IRO allocations, cover and significant changes;
- ``contacts``: the people around the child;
- ``staff``: teams and IRO profiles (caseload bands);
- ``retention_requests``: proposals to anonymise or destroy a record.

docs/rules.md#people: each child in care has one IRO at a time (s25A Children Act 1989);
#ssda903: codes are stored as the SSDA903 national codes; #retention: nothing is hard-deleted.
"""

from .care import CareEpisode, CoverArrangement, IROAllocation, SignificantChange  # noqa: F401, I001
from .contacts import Contact  # noqa: F401
from .child import Child, SiblingGroup, upn_validator  # noqa: F401
from .retention_requests import RetentionAction, RetentionRequest, RetentionRequestStatus  # noqa: F401
from .staff import IROProfile, Team  # noqa: F401
