"""The respondent page: a plain HTML form over the public API, opened by a QR code or an open link."""
