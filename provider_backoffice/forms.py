"""Forms of the back office steps."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField

from portal.domain.catalog.spec import MAX_LENGTH
from portal.domain.models import Decision
from portal.web import too_long


class StepForm(FlaskForm):
    """One form for every step; each step reads only its own fields."""

    executor_id = SelectField(_l("Executor"), choices=[], validate_choice=False, validators=[too_long(12)])
    resolution = TextAreaField(_l("Resolution"), validators=[too_long(MAX_LENGTH["longtext"])])
    decision = RadioField(_l("Decision"), choices=[(Decision.permitted.value, _l("Grant permission")),
                                                   (Decision.refused.value, _l("Reasoned refusal"))], validate_choice=False,
                          validators=[too_long(20)])
    comment = TextAreaField(_l("Comment: why"), validators=[too_long(MAX_LENGTH["longtext"])])
    #: the grounds themselves are ticked from the service's catalog list (checkboxes refusal_ground)
    refusal_explanation = TextAreaField(_l("Explanation of the refusal"),
                                        validators=[too_long(MAX_LENGTH["longtext"])])
