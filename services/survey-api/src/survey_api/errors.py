"""The statuses survey intake adds to the shared error base."""

from insikt_common.errors import InsiktError


class PayloadTooLarge(InsiktError):
    status_code = 413


class TooManyRequests(InsiktError):
    status_code = 429
