"""Model diagnostics: overfit, leakage, calibration, class balance and train/test shift."""
