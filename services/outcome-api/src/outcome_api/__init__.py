"""outcome-api: individual outcome tracking for pseudonymous participants."""
