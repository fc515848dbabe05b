"""Linking mentions to MeSH: the knowledge base (`kb`) and the spaCy component (`linker`)."""
