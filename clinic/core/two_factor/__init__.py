"""Two-factor sign-in for staff (django-otp): an authenticator app (TOTP) and
ten single-use recovery codes.

* ``devices``: who needs a second step, enrolment, checking a code, recovery
  codes, turning it off (selectors and services).
* ``lockout``: a wrong code counts as a failed sign-in for django-axes.
* ``session``: the half-finished sign-in between the password and the code.
* ``middleware``: a session that still owes its second step reaches nothing
  but the sign-in pages.
* ``views`` and ``forms``: the staff pages; ``qr``: the QR code as inline SVG.
* ``sign_in``: the second factor of an API sign-in.
"""
