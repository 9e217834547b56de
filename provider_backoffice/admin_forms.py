"""Forms of an organisation's administration."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField

from portal.domain.accounts import MAX_EMAIL, MAX_FULL_NAME
from portal.web import too_long


class StaffForm(FlaskForm):
    """A new staff account: who, their role, and how they sign in."""

    iin = StringField(_l("IIN"), validators=[too_long(20)], render_kw={"inputmode": "numeric", "autocomplete": "off"})
    full_name = StringField(_l("Surname, name, patronymic"), validators=[too_long(MAX_FULL_NAME)])
    email = EmailField(_l("E-mail"), validators=[too_long(MAX_EMAIL)])
    role = SelectField(_l("Role"), choices=[], validate_choice=False, validators=[too_long(20)])
    password = PasswordField(_l("Initial password"), validators=[too_long(256)], render_kw={"autocomplete": "new-password"})
    eds_only = BooleanField(_l("No password: signs in with EDS only"))


class RoleForm(FlaskForm):
    """Another role for a staff member."""

    role = SelectField(_l("Role"), choices=[], validate_choice=False, validators=[too_long(20)])


class HoursForm(FlaskForm):
    """The organisation's working hours and lunch break."""

    opens = StringField(_l("Opens at (HH:MM)"), validators=[too_long(5)])
    closes = StringField(_l("Closes at (HH:MM)"), validators=[too_long(5)])
    lunch_from = StringField(_l("Lunch break from (HH:MM, empty: no lunch break)"), validators=[too_long(5)])
    lunch_to = StringField(_l("Lunch break until (HH:MM)"), validators=[too_long(5)])


class SigningForm(FlaskForm):
    """Who signs the organisation's results."""

    head_signs = RadioField(_l("Results are signed"), choices=[
        ("head", _l("by the head personally, with their own EDS")),
        ("seal", _l("with the organisation's seal, by the portal"))], validate_choice=False,
        validators=[too_long(4)])


class CertificateForm(FlaskForm):
    """A staff member's signing certificate to register."""

    certificate = FileField(_l("Signing certificate (.cer or .pem)"))


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""
