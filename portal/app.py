"""The application factory: config, extensions, blueprints."""
from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel, lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from portal import labels
from portal.config import ROOT, Config
from portal.domain.db import make_engine, make_session_factory
from portal.domain.models import Person
from portal.domain.results import ResultIssuer
from portal.domain.storage import FileStore
from portal.pki.ca import LocalCA
from portal.web import PortalContext, close_db, db
from portal.web_templates import install_error_pages, install_template_helpers

LOCALES = ("kk", "ru", "en")


def select_locale() -> str:
    """Return the language chosen with the switch, else the browser's best match, else Kazakh."""
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES, default="kk") if request else "kk"


def create_app(config: Config | None = None) -> Flask:
    """Build the portal: citizen side, back office and verification in one app."""
    config = config or Config()
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(config.flask_settings())
    config.instance_dir.mkdir(parents=True, exist_ok=True)

    engine = make_engine(config.database_url)
    ca = LocalCA.load_or_create(config.pki_dir)
    store = FileStore(config.instance_dir / "files")
    app.extensions["portal"] = PortalContext(config=config, sessions=make_session_factory(engine), store=store,
                                             ca=ca, issuer=ResultIssuer(ca, store, config.public_url))
    app.teardown_appcontext(close_db)

    Babel(app, locale_selector=select_locale)
    CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "auth.sign_in"
    login.login_message = _l("Please sign in to continue.")

    @login.user_loader
    def load_user(user_id: str) -> Person | None:
        return db().get(Person, int(user_id)) if user_id.isdigit() else None

    from portal.apply.views import bp as apply_bp
    from portal.auth.views import bp as auth_bp
    from portal.cabinet.views import bp as cabinet_bp
    from portal.catalog_web.views import bp as catalog_bp
    from portal.verify.views import bp as verify_bp
    from provider_backoffice.views import bp as backoffice_bp

    for bp in (catalog_bp, auth_bp, apply_bp, cabinet_bp, verify_bp, backoffice_bp):
        app.register_blueprint(bp)

    install_template_helpers(app)
    install_error_pages(app)
    from portal.cli import register_cli
    register_cli(app)
    return app
