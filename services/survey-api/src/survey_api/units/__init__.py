"""Units (enheter) taking part in surveys."""
