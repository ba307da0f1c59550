"""Erasure and retention: removing a participant from outcome-api and telling consumers to forget them.

Everything about the participant goes (assessments and their earlier versions, interventions, goals
and their history, the events still held in the outbox, the participant row) except the audit log,
which keeps only the pseudonymous id. Units stay: they describe the organisation, not the person.
"""
