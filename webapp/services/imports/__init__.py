"""Imports: reading a file of contacts, previewing it, running it in the background, undoing it."""
