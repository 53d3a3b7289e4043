"""Forms of child protection work: ``manage`` (the manager's) and the chair's; the shape of input
only, the rules across records are the services'."""
