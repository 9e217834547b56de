"""Settings read from the environment; SQLite and local files by default."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from portal.domain.accounts import ABSOLUTE

ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    """Return the folder for the database, uploads, keys and results."""
    return Path(os.environ.get("PORTAL_INSTANCE_DIR", ROOT / "instance")).resolve()


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment or a per-install random key kept on disk."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # first writer wins when several workers start at once
        except FileExistsError:
            pass
        tmp.unlink()
    return path.read_text().strip()


@dataclass
class Config:
    """Portal settings; every field can be set from the environment."""

    instance_dir: Path = field(default_factory=_instance_dir)
    database_url: str = ""
    public_url: str = field(default_factory=lambda: os.environ.get("PORTAL_PUBLIC_URL", "http://127.0.0.1:5000"))
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("PORTAL_SECURE_COOKIES") == "1")
    #: Redis for the rate limiter's counters, shared by every worker; without it each process counts alone
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", ""))
    testing: bool = False
    csrf_enabled: bool = True
    #: uploaded PDFs checked at once across all workers (keep below the worker count)
    verify_slots: int = field(default_factory=lambda: int(os.environ.get("PORTAL_VERIFY_SLOTS", "1")))
    #: CPU seconds one uploaded PDF's check may use
    verify_cpu_seconds: float = field(default_factory=lambda: float(os.environ.get("PORTAL_VERIFY_CPU_SECONDS", "4")))
    #: seconds a request waits for that check before it is stopped
    verify_wall_seconds: float = field(default_factory=lambda: float(os.environ.get("PORTAL_VERIFY_WALL_SECONDS", "10")))
    #: verification uploads one source may make in a minute (each may hold a slot for seconds)
    verify_uploads_per_minute: int = field(
        default_factory=lambda: int(os.environ.get("PORTAL_VERIFY_UPLOADS_PER_MINUTE", "10")))
    #: megabytes one person may send to the request forms in a day: replacing a scan again and again
    #: (or opening draft after draft) must not fill the disk before the clean-up runs
    upload_mb_per_day: int = field(default_factory=lambda: int(os.environ.get("PORTAL_UPLOAD_MB_PER_DAY", "300")))
    #: megabytes of address space that check may map
    verify_memory_mb: int = field(default_factory=lambda: int(os.environ.get("PORTAL_VERIFY_MEMORY_MB", "1024")))

    #: where scans and PDFs are kept: "local" (instance/files, one machine) or "database" (the shared
    #: PostgreSQL, for several machines with no disk in common)
    file_store: str = field(default_factory=lambda: os.environ.get("PORTAL_FILE_STORE", "local"))

    #: cabinet lists a worker keeps rendered (portal/cabinet/listings.py, about 12 KB a page of twenty requests);
    #: 0: every view renders its list
    cabinet_lists_kept: int = field(default_factory=lambda: int(os.environ.get("PORTAL_CABINET_LISTS_KEPT", "200")))

    #: the mail server the outbox's sender delivers through; unset: e-mails are written to instance/mail/
    smtp_host: str = field(default_factory=lambda: os.environ.get("SMTP_HOST", ""))
    #: its port
    smtp_port: int = field(default_factory=lambda: int(os.environ.get("SMTP_PORT", "25")))
    #: the From address of the portal's e-mails
    mail_from: str = field(default_factory=lambda: os.environ.get("MAIL_FROM", "noreply@portal.localhost"))

    def __post_init__(self) -> None:
        self.instance_dir = Path(self.instance_dir)
        if not self.database_url:
            self.database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{self.instance_dir / 'portal.sqlite3'}"
        if self.database_url.startswith("postgresql://"):
            self.database_url = "postgresql+psycopg://" + self.database_url[len("postgresql://"):]
        if self.file_store not in ("local", "database"):
            raise ValueError(f"PORTAL_FILE_STORE must be local or database, not {self.file_store!r}")
        if self.file_store == "database" and not self.database_url.startswith("postgresql"):
            raise ValueError("PORTAL_FILE_STORE=database needs PostgreSQL (DATABASE_URL): SQLite allows one writer")
        if self.file_store == "database" and not os.environ.get("SECRET_KEY"):
            # a secret made on first run is kept in one machine's instance folder: the others would not
            # accept its session cookies
            raise ValueError("PORTAL_FILE_STORE=database is for several machines: set SECRET_KEY, the same on each")

    @property
    def uploads_dir(self) -> Path:
        """Return where citizens' scans are stored."""
        return self.instance_dir / "uploads"

    @property
    def results_dir(self) -> Path:
        """Return where signed result PDFs are stored."""
        return self.instance_dir / "results"

    @property
    def verify_slots_dir(self) -> Path:
        """Return where the verification slots' lock files live."""
        return self.instance_dir / "verify-slots"

    @property
    def mail_dir(self) -> Path:
        """Return the pickup directory e-mails are written to when no SMTP server is set."""
        return self.instance_dir / "mail"

    @property
    def files_dir(self) -> Path:
        """Return where scans and PDFs are kept with the local file store."""
        return self.instance_dir / "files"

    @property
    def pki_dir(self) -> Path:
        """Return where the local test CA and provider keys are kept."""
        return self.instance_dir / "pki"

    def flask_settings(self) -> dict:
        """Return the Flask config mapping."""
        return {
            "SECRET_KEY": _secret_key(self.instance_dir),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "REMEMBER_COOKIE_HTTPONLY": True,
            # remember-me is never set; should it be, it must not outlive a session's absolute limit
            "REMEMBER_COOKIE_DURATION": ABSOLUTE,
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            "RATELIMIT_HEADERS_ENABLED": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "WTF_CSRF_ENABLED": self.csrf_enabled,
            "WTF_CSRF_TIME_LIMIT": None,
            "MAX_CONTENT_LENGTH": 45 * 1024 * 1024,
            "BABEL_DEFAULT_LOCALE": "kk",
            "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "portal" / "translations"),
            "TESTING": self.testing,
        }
