"""The admin, limited to the signed-in user's clinic.

Every ModelAdmin of ours subclasses ``ClinicScopedAdmin`` and declares in
``clinic_path`` the lookup from its model to the clinic a row belongs to
(``"clinic"``, ``"therapist__user__clinic"``...). From that one line:

- lists, change, delete and history pages, search, the date hierarchy, admin
  actions and ``list_editable`` see only the clinic's rows (Django takes all of
  them from ``get_queryset``): another clinic's row is "not found", exactly like
  a deleted one;
- the autocomplete endpoint does too (it asks the related model's admin for
  its queryset);
- related-field list filters offer only the clinic's rows;
- every foreign-key and many-to-many field of its forms, and of its inlines'
  forms (``ClinicScopedTabularInline``), offers only the rows the related
  model's own admin shows; a model no admin of ours declares offers nothing
  unless it is reference data (``SHARED_REFERENCE_MODELS``).

A superuser is the platform operator and sees every clinic. Rows that belong to
no clinic are either reference data every clinic shares (``clinic_path = None``:
the muscle atlas) or, with ``shared_rows_visible``, a shared library every
clinic reads and only a superuser changes (exercises without a clinic).

Pages that show clinical data declare ``audit_client_path``, the lookup from a
row to the client it is about (``""`` when the row is the client): opening one
records a READ in the audit trail, and with ``audit_list_reads`` so does every
row a list page shows, as the API does for the same data.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.contrib import admin
from django.contrib.admin.filters import AllValuesFieldListFilter, RelatedFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.fields.related import RelatedField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from clinic.core.audit import record_audit, record_audit_many
from clinic.core.models import AuditAction, Client, Clinic, User

M = TypeVar("M", bound=models.Model)
P = TypeVar("P", bound=models.Model)

# Tables that belong to no clinic and say nothing about anyone: any clinic's
# forms may offer their rows (the permissions and groups only a superuser edits).
SHARED_REFERENCE_MODELS: frozenset[type[models.Model]] = frozenset({ContentType, Group, Permission})


def is_platform_operator(request: HttpRequest) -> bool:
    """A superuser runs the platform and sees every clinic."""
    user = request.user
    return bool(user.is_active and user.is_superuser)


def _clinic_id(request: HttpRequest) -> int | None:
    user = request.user
    return user.clinic_id if isinstance(user, User) else None


def clinic_choices(
    site: admin.AdminSite, request: HttpRequest, model: type[models.Model]
) -> QuerySet[Any]:
    """The rows of ``model`` the user may pick in a form or filter by: what the
    model's own admin shows them."""
    if is_platform_operator(request):
        return model._default_manager.all()
    if site.is_registered(model):
        related_admin = site.get_model_admin(model)
        if isinstance(related_admin, ClinicScopedAdmin):
            return related_admin.get_queryset(request)
    if model in SHARED_REFERENCE_MODELS:
        return model._default_manager.all()
    return model._default_manager.none()


def _scoped_field_queryset(
    site: admin.AdminSite,
    request: HttpRequest,
    db: str | None,
    db_field: RelatedField[Any, Any],
    queryset: QuerySet[Any] | None,
) -> QuerySet[Any] | None:
    if is_platform_operator(request):
        return queryset
    model = db_field.related_model
    assert not isinstance(model, str)  # resolved once the apps are loaded
    base = queryset if queryset is not None else model._default_manager.using(db).all()
    return base.filter(pk__in=clinic_choices(site, request, model).values("pk"))


def _clinic_field_kwargs(
    db_field: models.Field[Any, Any], request: HttpRequest, kwargs: dict[str, Any]
) -> dict[str, Any]:
    """A member of staff's "clinic" choice is theirs, already chosen."""
    if db_field.related_model is Clinic and not is_platform_operator(request):
        kwargs.setdefault("required", True)
        kwargs.setdefault("empty_label", None)
        kwargs.setdefault("initial", _clinic_id(request))
    return kwargs


def _walk(obj: Any, path: str) -> Any:
    """Follow ``a__b`` from ``obj`` (None as soon as a link is missing)."""
    for part in path.split("__") if path else []:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _id_at(obj: Any, path: str) -> Any:
    """The id a foreign-key path ends at, without loading the last row."""
    head, _, last = path.rpartition("__")
    parent = _walk(obj, head)
    if parent is None:
        return None
    return parent.pk if last == "pk" else getattr(parent, f"{last}_id")


class ClinicRelatedFieldListFilter(RelatedFieldListFilter):
    """A related-field filter that offers only the rows the user's clinic may see."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        ordering = self.field_admin_ordering(field, request, model_admin)
        allowed = clinic_choices(model_admin.admin_site, request, field.related_model)
        return field.get_choices(
            include_blank=False,
            limit_choices_to=Q(pk__in=allowed.values("pk")),
            ordering=ordering,
        )


class ClinicAllValuesFieldListFilter(AllValuesFieldListFilter):
    """Distinct values of a field across a relation, taken from the user's own
    rows (Django's filter would read the related table whole)."""

    def __init__(
        self,
        field: Any,
        request: HttpRequest,
        params: Any,
        model: Any,
        model_admin: Any,
        field_path: str,
    ) -> None:
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = (
            model_admin.get_queryset(request)
            .distinct()
            .order_by(field_path)
            .values_list(field_path, flat=True)
        )


def _is_plain_values_field(field: Any) -> bool:
    # The fields Django would give its AllValuesFieldListFilter (its last resort).
    return not (
        getattr(field, "remote_field", None)
        or getattr(field, "choices", None)
        or isinstance(field, models.BooleanField | models.DateField)
    )


class ClinicScopedAdmin(admin.ModelAdmin[M]):
    """A ModelAdmin that shows a member of staff their own clinic only (see the
    module's docstring). Subclasses declare ``clinic_path``."""

    # The lookup from a row to its clinic; a tuple means any of them; None:
    # reference data shared by every clinic (the atlas).
    clinic_path: ClassVar[str | tuple[str, ...] | None]
    # Rows whose clinic is empty are a shared library: visible, read-only.
    shared_rows_visible: ClassVar[bool] = False
    # The lookup from a row to its client ("" when the row is the client):
    # set, opening a row's page is audited as a read of clinical data.
    audit_client_path: ClassVar[str | None] = None
    # Also audit every row a list page shows.
    audit_list_reads: ClassVar[bool] = False

    # --- what the user reaches ------------------------------------------------

    def _clinic_paths(self) -> tuple[str, ...]:
        path = self.clinic_path
        if path is None:
            return ()
        return (path,) if isinstance(path, str) else path

    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        queryset = super().get_queryset(request)
        if is_platform_operator(request) or self.clinic_path is None:
            return queryset
        rows = Q()
        clinic_id = _clinic_id(request)
        if clinic_id is not None:
            for path in self._clinic_paths():
                rows |= Q(**{path: clinic_id})
        if self.shared_rows_visible:
            shared = Q()
            for path in self._clinic_paths():
                shared &= Q(**{f"{path}__isnull": True})
            rows |= shared
        if not rows:
            return queryset.none()
        return queryset.filter(rows)

    def is_shared_row(self, request: HttpRequest, obj: Any) -> bool:
        """A row of the shared library, which only a superuser changes."""
        if not self.shared_rows_visible or is_platform_operator(request):
            return False
        return all(_id_at(obj, path) is None for path in self._clinic_paths())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.is_shared_row(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.is_shared_row(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A row a member of staff saves is their clinic's, even when the form
        # has no clinic field (a new user) or leaves it blank (an exercise).
        if self.clinic_path == "clinic" and not is_platform_operator(request):
            obj.clinic_id = _clinic_id(request)
        super().save_model(request, obj, form, change)

    # --- what the user may choose ---------------------------------------------

    def get_field_queryset(
        self, db: str | None, db_field: RelatedField[Any, Any], request: HttpRequest
    ) -> QuerySet[Any] | None:
        queryset = super().get_field_queryset(db, db_field, request)
        return _scoped_field_queryset(self.admin_site, request, db, db_field, queryset)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        kwargs = _clinic_field_kwargs(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> Any:
        scoped: list[Any] = []
        for item in super().get_list_filter(request):
            path: Any
            filter_class: Any
            if isinstance(item, str):
                path, filter_class = item, None
            elif isinstance(item, list | tuple):
                path, filter_class = item
            else:
                scoped.append(item)  # a SimpleListFilter lists what its author wrote
                continue
            field = get_fields_from_path(self.model, path)[-1]
            if getattr(field, "remote_field", None):
                if field.related_model is Clinic and not is_platform_operator(request):
                    continue  # one clinic: nothing to choose
                if filter_class in (None, RelatedFieldListFilter):
                    item = (path, ClinicRelatedFieldListFilter)
            elif filter_class is None and "__" in path and _is_plain_values_field(field):
                item = (path, ClinicAllValuesFieldListFilter)
            scoped.append(item)
        return scoped

    # --- audit of clinical reads ----------------------------------------------

    def audit_detail(self, obj: Any) -> dict[str, Any]:
        return {"via": "admin"}

    def record_read(self, request: HttpRequest, obj: Any) -> None:
        """Record that the user opened ``obj``'s page (clinical data)."""
        assert self.audit_client_path is not None and isinstance(request.user, User)
        client = _walk(obj, self.audit_client_path)
        record_audit(
            actor=request.user,
            action=AuditAction.READ,
            obj=obj,
            client=client if isinstance(client, Client) else None,
            detail=self.audit_detail(obj),
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_client_path is not None and isinstance(response, TemplateResponse):
            shown = (response.context_data or {}).get("original")
            if response.status_code == 200 and shown is not None:
                self.record_read(request, shown)
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if (
            self.audit_list_reads
            and self.audit_client_path is not None
            and isinstance(response, TemplateResponse)
            and response.status_code == 200
            and isinstance(request.user, User)
        ):
            changelist = (response.context_data or {}).get("cl")
            rows = list(changelist.result_list) if changelist is not None else []
            if rows:
                client_path = self.audit_client_path or "pk"
                record_audit_many(
                    actor=request.user,
                    action=AuditAction.READ,
                    objects=rows,
                    client_of=lambda row: _id_at(row, client_path),
                    detail={"via": "admin list"},
                )
        return response

    # --- checks ---------------------------------------------------------------

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_scoping()]

    def _check_scoping(self) -> list[checks.Error]:
        def error(message: str, code: str) -> checks.Error:
            return checks.Error(f"{type(self).__qualname__}: {message}", obj=type(self), id=code)

        if not hasattr(type(self), "clinic_path"):
            return [error('declare clinic_path, e.g. "clinic" or "user__clinic".', "clinic.E101")]
        errors = [
            error(f"clinic_path {path!r} does not lead to one clinic.", "clinic.E102")
            for path in self._clinic_paths()
            if not self._leads_to(path, Clinic)
        ]
        client_path = self.audit_client_path
        if client_path is not None and not self._leads_to(client_path or "pk", Client):
            errors.append(
                error(
                    f"audit_client_path {client_path!r} does not lead to a client.", "clinic.E103"
                )
            )
        return errors

    def _leads_to(self, path: str, target: type[models.Model]) -> bool:
        """Whether ``path`` follows single-valued relations from the model to ``target``."""
        if path == "pk":
            return self.model is target
        try:
            fields = get_fields_from_path(self.model, path)
        except (FieldDoesNotExist, AttributeError):
            return False
        single = not any(f.one_to_many or f.many_to_many for f in fields)
        return single and fields[-1].related_model is target


class ClinicScopedTabularInline(admin.TabularInline[M, P]):
    """An inline whose foreign-key and many-to-many choices are limited like
    ``ClinicScopedAdmin``'s. Its rows are reached only through its parent's
    page, so the parent's scope is theirs."""

    def get_field_queryset(
        self, db: str | None, db_field: RelatedField[Any, Any], request: HttpRequest
    ) -> QuerySet[Any] | None:
        queryset = super().get_field_queryset(db, db_field, request)
        return _scoped_field_queryset(self.admin_site, request, db, db_field, queryset)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        kwargs = _clinic_field_kwargs(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
