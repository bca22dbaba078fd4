"""Texts: documents, sentences and claims with offsets, readout comparison, statement lineage."""
