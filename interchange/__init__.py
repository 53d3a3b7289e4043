"""The DfE SSDA903 children looked after return (docs/rules.md#ssda903): import and export.

``spec`` holds the tables, columns and codes; ``exporter`` writes a collection year's return;
``importer`` checks a return and plans what it would create and update; ``services`` writes.
"""
