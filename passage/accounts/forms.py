from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Role, SensitiveCategory
from .selectors import work_posts_of_mission


class StyledFormMixin:
    """Bootstrap classes on every widget, and errors linked to their field for assistive technology.

    ``add_error`` is also what ``full_clean`` calls, so fields refused by the form
    and fields refused by a service (mapped with ``form.add_error``) are marked alike.
    Used by the forms of accounts, reference and audit.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-help"

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            if "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                described = [attrs.get("aria-describedby", ""), f"{self[name].auto_id}-error"]
                attrs["aria-describedby"] = " ".join(d for d in described if d)


class DateInput(forms.DateInput):
    """A native date picker; the value travels as ISO 8601 whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def apply_service_error(form, exc) -> None:
    """Put a refused service call on its form: the message and details above it, per-field messages on the fields."""
    form.add_error(None, exc.message)
    for detail in exc.details:
        form.add_error(None, detail)
    for field, message in exc.field_errors.items():
        form.add_error(field if field in form.fields else None, message)


class StaffForm(StyledFormMixin, forms.Form):
    """Create or edit a staff member of the administrator's own mission."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
    work_posts = forms.ModelMultipleChoiceField(
        label=_("Work posts"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Work post %(value)s is not one of your mission's work posts.")},
    )
    supervised_work_posts = forms.ModelMultipleChoiceField(
        label=_("Supervised work posts"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for supervisors."),
        error_messages={"invalid_choice": _("Work post %(value)s is not one of your mission's work posts.")},
    )
    clearances = forms.MultipleChoiceField(
        label=_("Clearances for sensitive cases"), choices=SensitiveCategory.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You can grant only clearances you hold yourself."),
    )
    password = forms.CharField(
        label=_("Initial password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; the staff member should change it at first sign-in."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, mission_id, editing=None, editing_self=False, **kwargs):
        super().__init__(*args, **kwargs)
        posts = work_posts_of_mission(mission_id)
        self.fields["work_posts"].queryset = posts
        self.fields["supervised_work_posts"].queryset = posts
        if editing is None:
            del self.fields["version"]
        else:
            # The user name is the sign-in identity and stays; no password is set here.
            del self.fields["password"]
            self.fields["username"].disabled = True
            self.fields["username"].required = False
            self.fields["version"].required = True
        if editing_self:
            for name in ("role", "clearances"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("You cannot change your own role or clearances.")
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-help"
