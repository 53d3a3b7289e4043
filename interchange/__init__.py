"""The DfE SSDA903 children looked after return (docs/rules.md#ssda903): import and export.

The biggest writer of children, episodes and reviews after the services, kept out of
``reporting`` (which only reads) and above the domain apps: nothing in ``children``,
``reviews``, ``disputes`` or ``reporting`` imports it.

- ``spec``: the tables, their columns and the code mappings.
- ``exporter``: a collection year's return, as tables, CSV files or a zip.
- ``importer``: read and check a return, and plan what it would create and update (writes nothing).
- ``services``: every write: the export's audit, the import (``services.writing`` writes a
  checked plan in bulk) and the uploads made through the page, which ``tasks`` check and import.
- ``views``, ``forms``, ``urls``: the SSDA903 page, at ``/reporting/ssda903/`` as before.
- ``management/commands``: ``import_903`` and ``export_903``.

The uploads themselves (``SSDA903Upload``, ``SSDA903PlanLine``) are still models of ``reporting``
(table names and the ``reporting.exchange_ssda903`` permission unchanged).
"""
