"""Event contracts: the CloudEvents envelope and every versioned payload, defined once."""

from insikt_common.contracts.catalogue import CATALOGUE, EventSpec, spec_for_type
from insikt_common.contracts.envelope import CloudEvent, ContractError, new_event

__all__ = ["CATALOGUE", "CloudEvent", "ContractError", "EventSpec", "new_event", "spec_for_type"]
