"""HR selectors, one concern per module: ``cells`` (the pure cell rules), ``live`` (the
live computation of cells for a set of people), ``matrix`` (the matrix read from the stored
statuses), ``people`` (whom HR sees, the employee record), ``dashboard`` (key figures)."""
