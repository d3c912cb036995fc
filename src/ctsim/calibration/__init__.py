"""Calibration: which parameter values a run uses and what they were fitted to.

The floor above the declarations and beside the model: the observed targets, the stored draws and the point set a
replication takes its values from, and the fingerprint of the model they were computed on (package data, so an
installed package checks it as a source checkout does).
"""
