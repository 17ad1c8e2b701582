"""Settings read from the environment, with safe development defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_PATH = PROJECT_ROOT / "instance"
MAX_SCHEDULER_WRITERS = 8


class ConfigError(RuntimeError):
    """A required production setting is missing or invalid."""


def _persistent_secret_key(instance_path: Path) -> str:
    """Return the development secret kept under ``instance/`` so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the driver-less scheme; we use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    instance_path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance_path / 'rapport.db'}"


def load_config(instance_path: Path = INSTANCE_PATH, *, secret_key: str | None = None) -> dict:
    """Build the Flask config from the environment; fail fast in production without a secret.

    ``secret_key``, when the caller already has one (tests), skips the persistent development key.
    """
    env = os.environ.get("RAPPORT_ENV", "development")
    if env not in ("development", "production"):
        raise ConfigError(f"RAPPORT_ENV must be 'development' or 'production', not {env!r}")
    production = env == "production"
    secret_key = secret_key or os.environ.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when RAPPORT_ENV=production")
        secret_key = _persistent_secret_key(instance_path)
    config = {
        "RAPPORT_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # Strict-Transport-Security: browsers keep to https for this long (production only).
        "HSTS_MAX_AGE": _hsts_max_age(production),
        "WTF_CSRF_TIME_LIMIT": None,
        # Imports take files up to 20 MB (docs/import.md); the form around one needs a bit more.
        "MAX_CONTENT_LENGTH": 21 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SIGN_IN_RATE_LIMIT": os.environ.get("SIGN_IN_RATE_LIMIT", "5 per minute"),
        # Each API key's allowance on the records API (/api/v2); over it, 429 with Retry-After.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600 per minute"),
        "PORT": int(os.environ.get("PORT", "5000")),
        # A folder to write one cProfile file per request into (bench/README.md, "Profiling").
        "PROFILE_DIR": os.environ.get("RAPPORT_PROFILE_DIR", "").strip(),
        "CONTACTS_PER_PAGE": 25,
        "ACTIONS_PER_PAGE": 50,
        "TWILIO_ACCOUNT_SID": os.environ.get("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_ENABLED": _flag(os.environ.get("TWILIO_ENABLED", "true")),
        "TWILIO_SMS_FROM": os.environ.get("TWILIO_SMS_FROM", ""),
        "TWILIO_WHATSAPP_FROM": os.environ.get("TWILIO_WHATSAPP_FROM", ""),
        # Unset in production; the fake Twilio's URL in development and tests.
        "TWILIO_API_BASE_URL": os.environ.get("TWILIO_API_BASE_URL", ""),
        "TWILIO_TIMEOUT_SECONDS": float(os.environ.get("TWILIO_TIMEOUT_SECONDS", "10")),
        # Where Twilio reaches us: callback URLs are built on it and webhook signatures checked.
        "PUBLIC_BASE_URL": _public_base_url(production),
        # The morning digest: made at this local hour; emailed through SMTP when a host is set,
        # printed to the log when not (development).
        "DIGEST_HOUR": _hour(os.environ.get("DIGEST_HOUR", "7")),
        # Batches of generated actions the scheduler writes at once on PostgreSQL, each on its
        # own connection (jobs/base.py, open_in_batches); 1 writes them one after another.
        "SCHEDULER_WRITERS": _writers(os.environ.get("SCHEDULER_WRITERS", "2")),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _flag(os.environ.get("SMTP_STARTTLS", "true")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Rapport <rapport@localhost>"),
    }
    if production and config["TWILIO_ACCOUNT_SID"] and not config["PUBLIC_BASE_URL"]:
        raise ConfigError("PUBLIC_BASE_URL must be set when Twilio is configured in production")
    return config


def _hour(raw: str) -> int:
    """An hour of the day, 0 to 23; anything else stops the start."""
    if not raw.strip().isdigit() or not 0 <= int(raw) <= 23:
        raise ConfigError(f"DIGEST_HOUR must be an hour from 0 to 23, not {raw!r}")
    return int(raw)


def _writers(raw: str) -> int:
    """How many scheduler writers, 1 to 8; anything else stops the start."""
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_SCHEDULER_WRITERS:
        raise ConfigError(
            f"SCHEDULER_WRITERS must be a number from 1 to {MAX_SCHEDULER_WRITERS}, not {raw!r}"
        )
    return int(raw)


def _hsts_max_age(production: bool) -> int:
    """Seconds of HSTS: a year in production unless ``HSTS_MAX_AGE`` says otherwise; none in
    development, which runs on plain http."""
    if not production:
        return 0
    raw = os.environ.get("HSTS_MAX_AGE", "31536000").strip()
    if not raw.isdigit():
        raise ConfigError(f"HSTS_MAX_AGE must be a number of seconds, not {raw!r}")
    return int(raw)


def _flag(raw: str) -> bool:
    return raw.strip().lower() not in ("0", "false", "no", "off", "")


def _public_base_url(production: bool) -> str:
    url = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if url or production:
        return url
    return f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
