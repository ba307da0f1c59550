"""The statuses survey intake adds to the shared error base (413 is answered by ``body_limit``)."""

from typing import Any

from insikt_common.errors import InsiktError


class TooManyRequests(InsiktError):
    status_code = 429


class Overloaded(InsiktError):
    """503: more respondents at once than the service answers promptly (see ``load_shedding``)."""

    status_code = 503

    def __init__(self, detail: Any, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s
