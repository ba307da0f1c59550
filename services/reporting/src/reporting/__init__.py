"""reporting: read models built from events, and the reports read from them."""
