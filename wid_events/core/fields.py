"""Form fields shared by every area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField as _IntegerField
from wtforms.validators import ValidationError

from wid_events.core.web import MAX_INT


class IntegerField(_IntegerField):
    """WTForms' IntegerField, bounded to what the database columns hold (±:data:`MAX_INT`), so
    ``99999999999999999999`` is a form error and never a database error."""

    def pre_validate(self, form) -> None:
        super().pre_validate(form)
        if self.data is not None and abs(self.data) > MAX_INT:
            self.data = None
            raise ValidationError(_l("Please enter a smaller number (at most %(max)d).", max=MAX_INT))
