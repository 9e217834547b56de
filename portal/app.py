"""The application factory: config, extensions, blueprints."""
from __future__ import annotations

from typing import Any, Callable

from flask import Flask, Response, current_app, request, session
from flask_babel import Babel, lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from portal import clock, i18n
from portal.auth.form_tokens import install_form_tokens
from portal.config import ROOT, Config
from portal.domain import accounts, notifications
from portal.domain.db import is_row_id, make_engine, make_session_factory
from portal.domain.models import LOCALES, Person
from portal.domain.pki_store import DatabasePkiStore
from portal.domain.throttle import SignInThrottle, source_of
from portal.domain.storage import DatabaseFileStore, FileStore, FolderFileStore
from portal.pki.ca import LocalCA
from portal.pki.store import FolderPkiStore, PkiStore
from portal.web import PortalContext, RowIdConverter, close_db, db, note_writes
from portal.web_templates import install_error_pages, install_template_helpers, remember_loaded_unread_count



def select_locale() -> str:
    """Return the language chosen with the switch, else the signed-in person's own; Kazakh until one is chosen."""
    chosen = session.get("lang") or (current_user.locale if current_user.is_authenticated else None)
    return chosen if chosen in LOCALES else "kk"


#: no inline script or style anywhere: an injected tag or attribute cannot run
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
#: methods that only read: no limit applies to them
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: public files that carry nobody's data and may be cached (the CA's certificates and CRL set their own)
CACHEABLE_ENDPOINTS = frozenset({"static", "pki.crl", "pki.issuing_cer", "pki.root_cer"})


def security_headers(response: Response) -> Response:
    """Set CSP, framing, HSTS on HTTPS deployments, and keep every dynamic answer out of caches."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if current_app.extensions["portal"].config.secure_cookies:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        # pages, JSON (sign/prepare carries the whole application) and downloads may all hold personal data
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _unless_reading(check: Callable[[], None]) -> Callable[[], None]:
    """Return a before-request check that runs only for a method that may change something."""
    def check_writes() -> None:
        if request.method not in SAFE_METHODS:
            check()
    return check_writes


def _skip_on_reads(hooks: list[Callable[..., Any]], hook: Callable[..., Any], passed_back: bool) -> None:
    """Replace a hook of a request's end by one that runs only for a method that may change something.

    An after-request hook hands the response back (`passed_back`); a teardown hook returns nothing.
    """
    def for_writes(value: Any = None) -> Any:
        if request.method not in SAFE_METHODS:
            return hook(value)
        return value if passed_back else None
    hooks[hooks.index(hook)] = for_writes


def _person_key() -> str:
    """Return the signed-in person the request forms' byte budget is counted for."""
    return f"person:{current_user.id}" if current_user.is_authenticated else f"source:{source_of(get_remote_address())}"


def create_app(config: Config | None = None) -> Flask:
    """Build the portal: citizen side, back office and verification in one app."""
    config = config or Config()
    clock.pin_from_environment()
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.jinja_environment = i18n.TranslatingEnvironment  # before the environment is made, on first use
    app.config.update(config.flask_settings())
    app.url_map.converters["int"] = RowIdConverter  # before any route is added: every <int:> is bounded
    config.instance_dir.mkdir(parents=True, exist_ok=True)
    accounts.prepare()

    engine = make_engine(config.database_url)
    shared = config.file_store == "database"
    store: FileStore = DatabaseFileStore(engine) if shared else FolderFileStore(config.files_dir)
    pki: PkiStore = DatabasePkiStore(engine) if shared else FolderPkiStore(config.pki_dir)
    sessions = make_session_factory(engine)
    note_writes(sessions)
    app.extensions["portal"] = PortalContext(config=config, sessions=sessions, store=store,
                                             load_ca=lambda: LocalCA.load_or_create(pki, config.public_url))
    if not shared:
        app.extensions["portal"].ca  # noqa: B018 - a folder is there at once: load before the first request

    app.teardown_appcontext(close_db)
    app.after_request(security_headers)

    Babel(app, locale_selector=select_locale)
    i18n.install(app)
    csrf = CSRFProtect(app)
    install_form_tokens(app)
    login = LoginManager(app)
    login.login_view = "auth.sign_in"
    login.login_message = _l("Please sign in to continue.")
    # Flask-Login's "basic" protection only marks a session not fresh when the browser's address or agent
    # changes, and nothing here asks for a fresh session; it hashed both on every request, signed in or not.
    # Sessions are bounded by their own idle and absolute limits and end on the server (auth/sessions.py).
    login.session_protection = None

    @login.user_loader
    def load_user(user_id: str) -> Person | None:
        person_id, _, version = user_id.partition(".")
        if not (person_id.isdigit() and is_row_id(int(person_id))):
            return None
        person, unread = notifications.person_with_unread(db(), int(person_id))
        # a deactivated account's sessions end at once, whatever its session version
        if person is None or str(person.session_version) != version or not person.is_active:
            return None
        remember_loaded_unread_count(person.id, unread)
        return person

    from portal.apply.views import bp as apply_bp
    from portal.auth.views import bp as auth_bp
    from portal.cabinet.views import bp as cabinet_bp
    from portal.catalog_web.views import bp as catalog_bp
    from portal.verify.views import bp as verify_bp
    from provider_backoffice.dashboard import bp as dashboard_bp
    from provider_backoffice.desk import bp as desk_bp
    from provider_backoffice.admin import bp as admin_bp
    from provider_backoffice.views import bp as backoffice_bp

    from portal.pki_web.views import bp as pki_bp

    for bp in (catalog_bp, auth_bp, apply_bp, cabinet_bp, verify_bp, backoffice_bp, desk_bp, dashboard_bp, admin_bp,
               pki_bp):
        app.register_blueprint(bp)
    # one source may not flood the sign-in forms or the EDS challenges (each one is a row); failures are
    # throttled more finely by source and by account in the limiter's store
    limiter = Limiter(lambda: source_of(get_remote_address()), app=app, key_prefix="portal")
    # every limit below is on posts: a page read skips the limiter's look-ups altogether (the filter alone still
    # left it resolving the endpoint's limits and exemptions on every page, about 5% of the catalog's time)
    limiter.request_filter(lambda: request.method in SAFE_METHODS)
    checks = app.before_request_funcs[None]
    checks[checks.index(limiter._check_request_limit)] = _unless_reading(limiter._check_request_limit)
    # nor does it need the limiter's headers or its per-request state released (about 2% of a page)
    _skip_on_reads(app.after_request_funcs[None], next(f for f in app.after_request_funcs[None]
                                                      if getattr(f, "args", None) == (limiter,)), passed_back=True)
    _skip_on_reads(app.teardown_request_funcs[None], limiter._Limiter__release_context, passed_back=False)
    # Flask-WTF looks a page read's endpoint up among its exemptions before it looks at the method
    assert not SAFE_METHODS & set(app.config["WTF_CSRF_METHODS"]), "a read the form check must see is skipped"
    csrf_check = next(f for f in checks if getattr(f, "__name__", "") == "csrf_protect")
    checks[checks.index(csrf_check)] = _unless_reading(csrf_check)
    limiter.limit("60 per minute", methods=["POST"])(auth_bp)
    # each upload may hold the one verification slot for seconds: one source may not keep it busy for all
    limiter.limit(f"{config.verify_uploads_per_minute} per minute", methods=["POST"])(verify_bp)
    # one budget across the request forms' routes (a limit per route could be spread over them)
    limiter.shared_limit(f"{config.upload_mb_per_day} per day", scope="request-uploads", methods=["POST"],
                         key_func=_person_key, cost=lambda: 1 + (request.content_length or 0) // 1_000_000)(apply_bp)
    app.extensions["sign_in_throttle"] = SignInThrottle(limiter.storage)
    from portal.access import install_access_rules
    from portal.auth.sessions import install_session_limits
    install_session_limits(app)
    install_access_rules(app)  # after the session limits: a session that just ended is anonymous here
    csrf.exempt(pki_bp.tsa_view)  # RFC 3161 clients post binary queries without a form token

    install_template_helpers(app)
    install_error_pages(app)
    from portal.cli import register_cli
    from portal.pki.cli import register_pki_cli
    register_cli(app)
    register_pki_cli(app)
    from portal.mail.cli import register_mail_cli
    register_mail_cli(app)
    return app
