"""Generations of data that short-lived figures are kept against (``services/count_cache.py``)."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class CacheGeneration(db.Model):
    """One group of tables (``actions``, ``events``) and how many committed transactions have
    written it: a figure kept under an older generation is out of date."""

    __tablename__ = "cache_generations"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
