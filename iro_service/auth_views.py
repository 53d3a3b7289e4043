"""Sign-in pages: the sign-in form, and entering or setting up the second factor."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters

from . import otp
from .audit import no_child_data
from .forms import GDSForm, LoginForm
from .middleware import SIGNED_OUT_BY_CHOICE, signed_out_notice


class SignInView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.GET.get("signed-out", "")
        context["signed_out_notice"] = signed_out_notice(reason)
        context["signed_out_by_choice"] = reason == SIGNED_OUT_BY_CHOICE
        context["single_sign_on_failed"] = self.request.GET.get("single-sign-on") == "failed"
        if settings.OIDC_RP_CLIENT_ID:
            context["single_sign_on_url"] = reverse("oidc_authentication_init")
        return context


class SignOutView(auth_views.LogoutView):
    """Django's sign-out (POST only), landing on the sign-in page that says the person is signed out."""

    def get_success_url(self):
        return f"{resolve_url(settings.LOGOUT_REDIRECT_URL)}?signed-out={SIGNED_OUT_BY_CHOICE}"


class SecurityCodeForm(GDSForm, forms.Form):
    submit_text = "Continue"

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        max_length=10,
        error_messages={"required": "Enter the security code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit security code, like 123456")
        return code


class SetUpCodeForm(SecurityCodeForm):
    submit_text = "Turn on two-factor sign-in"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe else resolve_url(settings.LOGIN_REDIRECT_URL)


@no_child_data("the signed-in person's own second factor: no child's data")
@login_required
@sensitive_post_parameters("code")
def two_factor_verify(request):
    """After the password: the code from the person's authenticator app."""
    device = otp.totp_device_of(request.user)
    if device is None:
        return redirect("two_factor_setup")
    form = SecurityCodeForm(request.POST or None)
    wait = otp.seconds_until_allowed(device)
    if request.method == "POST" and form.is_valid():
        if wait:
            form.add_error("code", f"You have entered too many wrong codes. Wait {wait} seconds, then try again.")
        elif otp.second_factor_verify(request=request, user=request.user, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        else:
            form.add_error("code", "The security code is wrong or has expired. Enter the code your app shows now.")
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)})


@no_child_data("the signed-in person's own second factor: no child's data")
@login_required
@sensitive_post_parameters("code")
def two_factor_setup(request):
    """Set up (or replace) an authenticator app: scan the QR code or type the key, then confirm
    with a code from the app."""
    key = otp.pending_key(request.session)
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.second_factor_enrol(user=request.user, key=key, code=form.cleaned_data["code"], request=request)
        if device is not None:
            otp.second_factor_passed(request, device)
            messages.success(request, "Two-factor sign-in is on. You will be asked for a code each time you sign in.")
            return redirect(_next_url(request))
        form.add_error("code", "The security code is wrong or has expired. Enter the code your app shows now.")
    context = {
        "form": form,
        "enrolment": otp.enrolment_for(request.user, key),
        "required": request.session.get(otp.SECOND_FACTOR_SESSION_KEY) == otp.ENROL,
        "replacing": otp.totp_device_of(request.user) is not None,
        "next": _next_url(request),
    }
    return render(request, "two_factor/setup.html", context)


@no_child_data("the signed-in person's own second factor: no child's data")
@login_required
def two_factor_status(request):
    """The account page for two-factor sign-in: is it on, and a link to set it up or replace it."""
    device = otp.totp_device_of(request.user)
    required = settings.OTP_REQUIRED_FOR_PRIVILEGED and otp.is_privileged(request.user)
    return render(request, "two_factor/status.html", {"device": device, "required": required})
