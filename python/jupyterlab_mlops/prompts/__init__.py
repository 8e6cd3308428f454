"""Prompt versions of an LLM application: templates in the project's MLflow prompt registry
(the same store as its runs), each version and each alias move recorded in the ledger.

Nothing here is imported until a prompt is registered, shown or formatted: MLflow loads lazily.
"""
