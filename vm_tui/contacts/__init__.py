"""The local address book (numbers in E.164 to names), its importers, and number formatting."""

from .book import NAME_LIMIT, Contacts, ContactsError, clean_name, normalise

__all__ = ["NAME_LIMIT", "Contacts", "ContactsError", "clean_name", "normalise"]
