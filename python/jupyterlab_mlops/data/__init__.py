"""Data versions: register datasets with DVC, profile them and screen them for PII."""
