"""The unit directory, kept from the unit metadata that events carry."""
