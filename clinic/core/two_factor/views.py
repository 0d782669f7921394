"""Staff sign-in pages: the password, the code, setting up an app, and the
page where staff see and change their second factor."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache

from clinic.core.errors import Conflict, InvalidInput
from clinic.core.models import User
from clinic.core.two_factor import devices
from clinic.core.two_factor.devices import Need
from clinic.core.two_factor.forms import CodeForm
from clinic.core.two_factor.lockout import is_locked_out, record_failed_code
from clinic.core.two_factor.qr import qr_svg
from clinic.core.two_factor.session import (
    Pending,
    begin_pending,
    clear_pending,
    complete_sign_in,
    get_pending,
    mark_verified,
)


def safe_next(request: HttpRequest, default: str = "") -> str:
    """Where to go after signing in: the ``next`` of the request when it is on
    this site, else ``default`` (the home page)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("home")


def _to(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


def _signed_in_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated and isinstance(user, User) else None


class SignInView(LoginView):
    """The password step. Someone with a second factor (or who must set one up)
    is not signed in yet: they go on to the code, or to setting up an app."""

    template_name = "clinic/login.html"

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        need = devices.get_sign_in_need(user) if isinstance(user, User) else Need.NOTHING
        if need is Need.NOTHING:
            return super().form_valid(form)
        assert isinstance(user, User)
        begin_pending(self.request, user=user, need=need)
        step = "two-factor" if need is Need.CODE else "two-factor-setup"
        return _to(step, self.get_success_url())


@method_decorator(never_cache, name="dispatch")
class SecondStepView(View):
    """The code from the authenticator app, or a recovery code."""

    template_name = "clinic/two_factor/verify.html"

    def _who(self, request: HttpRequest) -> tuple[User, Pending | None] | None:
        pending = get_pending(request)
        if pending is not None and pending.need is Need.CODE:
            return pending.user, pending
        user = _signed_in_user(request)
        if user is not None and devices.get_session_need(user) is Need.CODE:
            return user, None
        return None

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request)
        if self._who(request) is None:
            return _to("login", next_url) if _signed_in_user(request) is None else _go(next_url)
        return render(request, self.template_name, {"form": CodeForm(), "next": next_url})

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request)
        who = self._who(request)
        if who is None:
            return _to("login", next_url)
        user, pending = who
        username = user.get_username()
        if is_locked_out(request, username=username):
            return _locked_out(request, pending)
        form = CodeForm(request.POST)
        device = None
        if form.is_valid():
            device = devices.verify_second_factor(user=user, code=form.cleaned_data["code"])
            if device is None:
                if record_failed_code(request, username=username):
                    return _locked_out(request, pending)
                form.add_error("code", devices.WRONG_CODE)
        if device is None:
            return render(request, self.template_name, {"form": form, "next": next_url})
        if pending is not None:
            complete_sign_in(request, pending=pending, device=device)
        else:
            mark_verified(request, device=device)
        return _go(next_url)


def _go(url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(url)


def _locked_out(request: HttpRequest, pending: Pending | None) -> HttpResponse:
    if pending is not None:
        clear_pending(request)
    else:
        logout(request)
    return render(request, "clinic/locked_out.html", status=429)


@method_decorator(never_cache, name="dispatch")
class SetUpView(View):
    """Setting up an authenticator app: the QR code and the secret, a first
    code to confirm, then the recovery codes, shown once."""

    template_name = "clinic/two_factor/setup.html"

    def _who(self, request: HttpRequest) -> tuple[User, Pending | None] | None:
        pending = get_pending(request)
        if pending is not None and pending.need is Need.SETUP:
            return pending.user, pending
        user = _signed_in_user(request)
        if (
            user is not None
            and devices.may_use_two_factor(user)
            and devices.get_session_need(user) is not Need.CODE
            and not devices.has_two_factor(user)
        ):
            return user, None
        return None

    def _page(
        self, request: HttpRequest, *, user: User, form: CodeForm, next_url: str, required: bool
    ) -> HttpResponse:
        device = devices.start_app_enrolment(user=user)
        context: dict[str, Any] = {
            "form": form,
            "next": next_url,
            "qr_code": qr_svg(device.config_url),
            "secret": devices.secret_for_people(device),
            "required": required,
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request)
        who = self._who(request)
        if who is None:
            if _signed_in_user(request) is None:
                return _to("login", next_url)
            return HttpResponseRedirect(reverse("two-factor-settings"))
        user, pending = who
        required = pending is not None or devices.is_two_factor_required_for(user)
        return self._page(request, user=user, form=CodeForm(), next_url=next_url, required=required)

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request)
        who = self._who(request)
        if who is None:
            return _to("login", next_url)
        user, pending = who
        required = pending is not None or devices.is_two_factor_required_for(user)
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                enrolment = devices.confirm_app_enrolment(user=user, code=form.cleaned_data["code"])
            except InvalidInput as exc:
                form.add_error("code", exc.fields.get("code", [exc.message])[0])
            except Conflict:
                return _to("two-factor-setup", next_url)
            else:
                if pending is not None:
                    complete_sign_in(request, pending=pending, device=enrolment.device)
                else:
                    mark_verified(request, device=enrolment.device)
                return _recovery_codes_page(request, enrolment.recovery_codes, next_url)
        return self._page(request, user=user, form=form, next_url=next_url, required=required)


def _recovery_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    return render(
        request,
        "clinic/two_factor/recovery_codes.html",
        {"codes": [devices.format_recovery_code(code) for code in codes], "next": next_url},
    )


@method_decorator(never_cache, name="dispatch")
class TwoFactorSettingsView(View):
    """A member of staff's own second factor: new recovery codes, or off."""

    template_name = "clinic/two_factor/settings.html"

    def _user(self, request: HttpRequest) -> User:
        user = _signed_in_user(request)
        if user is None or not devices.may_use_two_factor(user):
            raise Http404
        return user

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # This page is under /accounts/, which the middleware lets through:
        # a session that still owes its second step goes there first.
        user = _signed_in_user(request)
        if user is None:
            return _to("login", reverse("two-factor-settings"))
        need = devices.get_session_need(user)
        if need is not Need.NOTHING:
            step = "two-factor" if need is Need.CODE else "two-factor-setup"
            return _to(step, reverse("two-factor-settings"))
        return super().dispatch(request, *args, **kwargs)

    def _page(
        self, request: HttpRequest, user: User, *, forms: dict[str, CodeForm] | None = None
    ) -> HttpResponse:
        forms = forms or {}
        context = {
            "enabled": devices.has_two_factor(user),
            "required": devices.is_two_factor_required_for(user),
            "recovery_codes_left": devices.count_recovery_codes(user),
            "new_codes_form": forms.get("new_codes", CodeForm()),
            "turn_off_form": forms.get("turn_off", CodeForm()),
            "turned_off": request.GET.get("turned_off") == "1",
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, self._user(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = self._user(request)
        action = request.POST.get("action", "")
        if action not in ("new_codes", "turn_off") or not devices.has_two_factor(user):
            return self._page(request, user)
        form = CodeForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                if action == "new_codes":
                    codes = devices.replace_recovery_codes(user=user, code=code)
                    return _recovery_codes_page(request, codes, reverse("two-factor-settings"))
                devices.turn_off_two_factor(user=user, code=code)
            except InvalidInput as exc:
                form.add_error("code", exc.fields.get("code", [exc.message])[0])
            else:
                if devices.is_two_factor_required_for(user):
                    return _to("two-factor-setup", reverse("two-factor-settings"))
                return HttpResponseRedirect(f"{reverse('two-factor-settings')}?turned_off=1")
        return self._page(request, user, forms={action: form})
