"""Twilio: sending messages, delivery status and replies (DESIGN.md section 6)."""
