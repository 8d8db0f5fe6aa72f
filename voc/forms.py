from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Office
from requests_app.models import ServiceRequest
from voc.models import Category, Kind


class VoiceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("This is a"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        initial=Kind.COMPLAINT,
    )
    category = forms.ModelChoiceField(
        label=_("About"), queryset=Category.objects.filter(is_active=True)
    )
    office = forms.ModelChoiceField(
        label=_("PEA office"),
        queryset=Office.objects.filter(kind=Office.Kind.BRANCH, is_active=True),
    )
    about = forms.ModelChoiceField(
        label=_("Related request (if any)"), required=False, queryset=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("What happened"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        mine = ServiceRequest.objects.filter(applicant=customer).order_by("-created_at")
        self.fields["about"].queryset = mine
        self.fields["about"].label_from_instance = lambda r: r.reference
        last = mine.only("office_id").first()
        if last is not None:
            self.fields["office"].initial = last.office_id


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with this service?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
