"""Password hashes: the stand-in checked for an unknown email costs what a real check costs."""

from __future__ import annotations

from webapp.services.passwords import UNKNOWN_USER_HASH, hash_password, password_matches


def _parameters(password_hash: str) -> str:
    return password_hash.split("$", 1)[0]


def test_the_unknown_user_hash_has_the_parameters_of_every_new_hash():
    assert _parameters(UNKNOWN_USER_HASH) == _parameters(hash_password("a-new-password"))


def test_the_unknown_user_hash_matches_no_password():
    for guess in ("", "not-a-real-password", "password", UNKNOWN_USER_HASH):
        assert not password_matches(UNKNOWN_USER_HASH, guess)
