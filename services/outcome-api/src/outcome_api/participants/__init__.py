"""Participants: pseudonymous people followed over time, linked by a keyed hash of their personnummer."""
