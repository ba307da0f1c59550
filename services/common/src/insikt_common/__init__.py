"""Shared parts of the Insikt services: event contracts, messaging and service plumbing."""
