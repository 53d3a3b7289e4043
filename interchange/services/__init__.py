"""Every write of the SSDA903 import and export goes through these services.

- ``exchange``: who may import and export, the export's audit, the import's one transaction.
- ``writing``: writing a checked plan in bulk (children, episodes, reviews, their history).
- ``census``: the child protection part of the CIN census return: who may, its audit.
- ``uploads``: a return uploaded through the page: kept, checked and imported by tasks.
"""

from .census import cin_census_export  # noqa: F401
from .exchange import (  # noqa: F401
    PERMISSION,
    audit_children,
    require_exchange_permission,
    ssda903_export,
    ssda903_export_files,
    ssda903_import,
)
from .uploads import (  # noqa: F401
    max_upload_bytes,
    ssda903_upload_check,
    ssda903_upload_create,
    ssda903_upload_import,
    ssda903_upload_import_request,
    ssda903_upload_retry,
    stuck_after,
    too_large_message,
)
