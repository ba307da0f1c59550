"""Units (enheter) participants are registered at; their metadata arrives with the first mention."""
