"""Wagtail's user admin, adapted to our user model (e-mail login and one full-name field).

Wagtail's stock forms expect ``first_name``/``last_name``; we keep the name exactly as the person
writes it in one field, because certificates must reproduce it unchanged.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

USER_FIELDS = {"email", "full_name", "preferred_language", "is_superuser", "groups"}


class CampusUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = USER_FIELDS
        widgets = {"groups": forms.CheckboxSelectMultiple}
        labels = {"full_name": _("Full name")}


class CampusUserEditForm(UserEditForm):
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = USER_FIELDS | {"is_active"}
        widgets = {"groups": forms.CheckboxSelectMultiple}


class CampusUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return CampusUserEditForm if for_update else CampusUserCreationForm
