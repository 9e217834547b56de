"""Registration and sign-in forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, Length

REQUIRED = DataRequired(message=_l("This field is required."))


class RegisterForm(FlaskForm):
    """A citizen's registration."""

    iin = StringField(_l("IIN"), validators=[REQUIRED], render_kw={"inputmode": "numeric", "maxlength": 12,
                                                                   "autocomplete": "username"})
    full_name = StringField(_l("Surname, name and patronymic"), validators=[REQUIRED, Length(max=200)])
    phone = TelField(_l("Mobile phone"), validators=[REQUIRED], render_kw={"placeholder": "+7 7XX XXX XX XX"})
    email = EmailField(_l("E-mail"), validators=[REQUIRED])
    password = PasswordField(_l("Password"), validators=[REQUIRED], render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(_l("Password again"), validators=[REQUIRED],
                                   render_kw={"autocomplete": "new-password"})


class SignInForm(FlaskForm):
    """Sign-in with IIN and password."""

    iin = StringField(_l("IIN"), validators=[REQUIRED], render_kw={"inputmode": "numeric", "maxlength": 12,
                                                                   "autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[REQUIRED], render_kw={"autocomplete": "current-password"})
