"""Experiments: MLflow runs with lineage to notebook, code, data and environment.

MLflow is imported only when a run is opened or read; importing this package is cheap.
"""
