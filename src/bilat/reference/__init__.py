"""Reference data shipped with bilat (CAMEO tables, country crosswalk), each with provenance."""
