"""Forms of the operator's desk."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from portal.web import too_long


class FilingForm(FlaskForm):
    """Who applies, for which service, from which provider; a representative acts under a power of attorney."""

    service_code = SelectField(_l("Service"), choices=[], validate_choice=False, validators=[too_long(40)])
    provider_id = SelectField(_l("Provider"), choices=[], validate_choice=False, validators=[too_long(12)])
    applicant_iin = StringField(_l("Applicant's IIN"), validators=[too_long(12)], render_kw={"inputmode": "numeric"})
    representative_iin = StringField(_l("Representative's IIN (when a representative applies)"),
                                     validators=[too_long(12)], render_kw={"inputmode": "numeric"})
    power_of_attorney = StringField(_l("Number of the notarised power of attorney"), validators=[too_long(40)])
