"""Exports: the Contacts list as CSV or vCard 4.0 and the Clients list as CSV, streamed in chunks.

``contacts_csv``, ``vcards`` and ``clients_csv`` each write one file; ``contact_records`` reads
the contacts a chunk at a time as plain records and ``chunks`` pages through rows by id, so a file
of 100,000 contacts is written in constant memory; ``csv_format`` holds the spreadsheet-formula
guard that the importer undoes (docs/export.md).
"""
