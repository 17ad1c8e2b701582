"""The integrators' records API (references 000, 001, 003): record types described as data."""
