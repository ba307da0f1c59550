"""The statuses survey intake adds to the shared error base (413 is answered by ``body_limit``)."""

from insikt_common.errors import InsiktError


class TooManyRequests(InsiktError):
    status_code = 429
