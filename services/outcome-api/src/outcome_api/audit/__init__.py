"""The audit log: who read or wrote which participant's data, when, and in which request.

Append-only: the database refuses UPDATE and DELETE on its table (a trigger, created by migration).
Rows are kept at least five years (HSLF-FS 2016:40 4 kap. 9 §) and outlive erasure with the
pseudonymous participant id only.
"""
