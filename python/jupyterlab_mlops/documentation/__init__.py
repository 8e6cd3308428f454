"""Documentation generated from the evidence: a model card and the EU AI Act Annex IV
technical documentation, with a coverage meter."""
