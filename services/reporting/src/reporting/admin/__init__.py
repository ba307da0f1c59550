"""Operating the read models: rebuilding them from the topics."""
