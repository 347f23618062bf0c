"""Who is responsible for a course: a page of its own in the Wagtail admin, outside the page
editor and its revisions, for platform admins and the course's responsible trainers only.

The list offers trainers only (the Trainer group), shows their names and never an e-mail
address, and can be searched by name (a GET form: works without JavaScript).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CoursePage
from .services import may_manage_responsible_trainers, responsible_trainers_set, trainers_queryset


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or _("(no name)")


class ResponsibleTrainersForm(forms.Form):
    trainers = TrainerChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Responsible trainers"),
        error_messages={
            "required": gettext_lazy("A course needs at least one responsible trainer.")
        },
    )

    def __init__(self, *args, course, query="", **kwargs):
        super().__init__(*args, **kwargs)
        current = list(course.responsible_trainers.values_list("pk", flat=True))
        offered = trainers_queryset()
        if query:
            offered = offered.filter(full_name__icontains=query)
        self.fields["trainers"].queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=current) | Q(pk__in=offered.values("pk")))
            .order_by("full_name")
        )
        self.fields["trainers"].initial = current


def responsible_trainers(request, page_id: int):
    course = get_object_or_404(CoursePage, pk=page_id)
    if not may_manage_responsible_trainers(request.user, course):
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    data = request.POST if request.method == "POST" else None
    form = ResponsibleTrainersForm(data, course=course, query=query)
    if request.method == "POST" and form.is_valid():
        responsible_trainers_set(
            course=course, trainers=form.cleaned_data["trainers"], changed_by=request.user
        )
        messages.success(request, _("The responsible trainers are saved."))
        return redirect("courses_responsible_trainers", page_id=course.pk)
    context = {"course": course, "form": form, "query": query}
    return render(request, "courses/admin/responsible_trainers.html", context)
