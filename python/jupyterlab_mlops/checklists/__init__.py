"""Readiness checklists ("flight checks"): YAML templates per model type and risk tier, each
item evaluated automatically from evidence."""
