"""Every change to child protection work goes through these services (docs/rules.md#child-protection).

``requests``: a request for an initial conference, the chair's allocation, booking, moving and
cancelling conferences. ``record``: a conference held, each child's decision and plan, the
core group, the plan's actions, and the minutes.
"""
