"""Read and check an SSDA903 return, and plan what importing it would change. Nothing here writes.

One module per question, in the order a return goes through them:

- ``reading``: which SSDA903 table is each file, and what are its rows?
- ``rows``: is each row well formed, and about a child of the Header table?
- ``held``: which of the return's records does the system hold already?
- ``checks``: do the rows agree with each other, the Header and the records held?
- ``planning``: what would the import create and update (``plan_import``)?

``interchange.services.ssda903_import`` writes a plan only when it has no problems.
"""

from .held import CHUNK, chunks
from .planning import NAME_TO_BE_ENTERED, Change, ImportPlan, PlannedChunk, RecordsChanged, chunk_size, plan_import
from .reading import Problem, ReadResult, UnreadableFile, decode, read_tables

__all__ = [
    "CHUNK",
    "NAME_TO_BE_ENTERED",
    "Change",
    "ImportPlan",
    "PlannedChunk",
    "Problem",
    "ReadResult",
    "RecordsChanged",
    "UnreadableFile",
    "chunk_size",
    "chunks",
    "decode",
    "plan_import",
    "read_tables",
]
