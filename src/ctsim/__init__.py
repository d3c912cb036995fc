"""ctsim: an exploratory agent-based simulation of counterterrorism policy in Pakistan.

The model is not a forecaster: it makes assumptions explicit and shows uncertainty. Start with
:class:`ctsim.model.CTModel`, the levers in :mod:`ctsim.levers` and the parameters in :mod:`ctsim.parameters`.
"""

__version__ = "0.1.0"
