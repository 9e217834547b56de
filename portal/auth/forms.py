"""Registration and sign-in forms; every field stops at the length the domain accepts."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired

from portal.domain.accounts import MAX_EMAIL, MAX_FULL_NAME, MAX_PASSWORD, MAX_PHONE
from portal.web import too_long

REQUIRED = DataRequired(message=_l("This field is required."))
IIN_LIMIT = too_long(12)


class RegisterForm(FlaskForm):
    """A citizen's registration."""

    iin = StringField(_l("IIN"), validators=[REQUIRED, IIN_LIMIT],
                      render_kw={"inputmode": "numeric", "autocomplete": "username"})
    full_name = StringField(_l("Surname, name and patronymic"), validators=[REQUIRED, too_long(MAX_FULL_NAME)])
    phone = TelField(_l("Mobile phone"), validators=[REQUIRED, too_long(MAX_PHONE)],
                     render_kw={"placeholder": "+7 7XX XXX XX XX"})
    email = EmailField(_l("E-mail"), validators=[REQUIRED, too_long(MAX_EMAIL)])
    password = PasswordField(_l("Password"), validators=[REQUIRED, too_long(MAX_PASSWORD)],
                             render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(_l("Password again"), validators=[REQUIRED, too_long(MAX_PASSWORD)],
                                   render_kw={"autocomplete": "new-password"})
    #: the consent to the processing of personal data; checked by the domain, which says what is missing
    consent = BooleanField(_l("I agree to the processing of my personal data: the portal keeps my IIN, name, phone "
                              "and e-mail and shows them to the organisations I apply to (Law of the Republic of "
                              "Kazakhstan No. 94-V of 21 May 2013 \"On personal data and their protection\")."))


class SignInForm(FlaskForm):
    """Sign-in with IIN and password."""

    iin = StringField(_l("IIN"), validators=[REQUIRED, IIN_LIMIT],
                      render_kw={"inputmode": "numeric", "autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[REQUIRED, too_long(MAX_PASSWORD)],
                             render_kw={"autocomplete": "current-password"})
