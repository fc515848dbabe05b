"""bioner: biomedical named-entity tagging with spaCy."""

__version__ = "0.1.0"
