"""Survey results: answer counts per round, unit and question, and the report built on them."""
