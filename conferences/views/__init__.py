"""The pages of child protection work: ``manage`` (the manager's: requests, chairs, booking) and
``chair`` (the chair's: recording a conference, the plan, the minutes)."""
