"""Scenario discovery: where in the space of uncertainties a policy fails (``ctsim discover``, docs/discovery.md).

- :mod:`~ctsim.analysis.discovery.design`: the batch over the uncertainties (assumed values from a Latin hypercube,
  calibrated parameters from the posterior draws) and its experiment file;
- :mod:`~ctsim.analysis.discovery.cases`: from the batch, one row per case and whether the policy failed there;
- :mod:`~ctsim.analysis.discovery.prim`: boxes with PRIM (EMA Workbench's), coverage and density;
- :mod:`~ctsim.analysis.discovery.words`: the uncertainties' plain names and the sentences people read;
- :mod:`~ctsim.analysis.discovery.study`: one discovery, end to end.
"""
