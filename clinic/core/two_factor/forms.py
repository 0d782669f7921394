"""The one field of every second-step form: a code."""

from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "inputmode": "text",
                "autofocus": True,
            }
        ),
        error_messages={"required": "Please enter the code."},
    )
