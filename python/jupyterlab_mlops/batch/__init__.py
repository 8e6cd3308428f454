"""Batch jobs: approved notebooks run unattended with validated parameters (papermill)."""
