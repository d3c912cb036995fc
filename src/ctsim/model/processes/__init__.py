"""The processes of the month, one module each, in the order CTModel.step runs them (see its docstring)."""
