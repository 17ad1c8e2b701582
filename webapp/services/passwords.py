"""Password hashing with a modern memory-hard algorithm (scrypt, through Werkzeug)."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10

# Checked when a sign-in names an unknown email, so a wrong email costs as much time as a wrong
# password. A hash of a random secret that was never kept, written here once: hashing one at
# import made every web worker spend 0.15 s and 32 MiB at start (docs/performance.md). It must
# carry the same parameters as ``hash_password`` (a test holds it to them).
UNKNOWN_USER_HASH = (
    "scrypt:32768:8:1$cPyorLUm3Uhy0Pkh$2e43e54fa5ac556d3f85d9c9d273cd274f30771bfbfcfbedc4060e6e4e9"
    "58a56e3a61caee8df41541ded005d72f30486a85a6a1444bc2fb4a92f0e213c27e057"
)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
