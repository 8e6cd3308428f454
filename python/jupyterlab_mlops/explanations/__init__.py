"""Explanations of a fitted model: attributions in its original input columns, the report
built from them (importance with intervals, dependence, interactions, local explanations,
stability, cohorts, additivity), the what-if core, and the evidence they leave behind.

shap, scikit-learn and matplotlib are imported inside the functions that use them.
"""
