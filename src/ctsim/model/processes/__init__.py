"""The processes of the month, one module each, numbered in the order :meth:`ctsim.model.core.CTModel.step` runs
them (the same numbers as docs/odd.md's "Process overview and scheduling"). Each takes the state
(:mod:`ctsim.model.state`), the parameters and the random streams, writes only the state variables declared with it
as their writer, and returns what it produced for the month's record."""
