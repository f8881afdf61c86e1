"""The store's exception tree; repositories raise nothing else (bar bugs).

StoreError
├── StoreConfigError       a bad `database_url` or token key (also a ValueError)
├── StoreUnavailableError  the database cannot be reached or answered too late
└── MissingRecordError     an update named a record that is not there
"""

from __future__ import annotations


class StoreError(Exception):
    """Something the store could not do; the message says what a person can change."""


class StoreConfigError(StoreError, ValueError):
    """A store setting cannot work; the message names the setting."""


class StoreUnavailableError(StoreError):
    """The database did not answer: reads of vendor data go on, writes fail clearly."""


class MissingRecordError(StoreError, LookupError):
    """An update or completion named a record that does not exist."""
