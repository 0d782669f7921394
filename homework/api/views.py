"""Thin views of the homework API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.core.api.base import ScopedQuerysetMixin, request_user
from clinic.core.api.permissions import ALL_ROLES, STAFF, RolePolicy
from clinic.core.errors import InvalidInput
from clinic.core.models import Role
from homework import selectors, services
from homework.api import serializers as s
from homework.models import DosingProfile, Exercise, HomeworkPlan, PlanItem
from notes.selectors import list_notes_for

PRESCRIBERS = frozenset({Role.THERAPIST})
READERS = frozenset({Role.THERAPIST, Role.OWNER, Role.CLIENT})


class ExerciseViewSet(ScopedQuerysetMixin[Exercise], viewsets.ReadOnlyModelViewSet[Exercise]):
    """The exercise library."""

    model = Exercise
    permission_classes = [RolePolicy]
    roles = {"read": ALL_ROLES}
    serializer_class = s.ExerciseSerializer
    filterset_fields = ["kind", "area", "targets__muscle__slug"]
    search_fields = ["name", "slug"]

    def scoped_queryset(self, user: Any) -> QuerySet[Exercise]:
        return selectors.list_exercises_for(user)


class DosingProfileViewSet(
    ScopedQuerysetMixin[DosingProfile], viewsets.ReadOnlyModelViewSet[DosingProfile]
):
    model = DosingProfile
    permission_classes = [RolePolicy]
    roles = {"read": STAFF}
    serializer_class = s.DosingProfileSerializer

    def scoped_queryset(self, user: Any) -> QuerySet[DosingProfile]:
        return DosingProfile.objects.filter(clinic_id=user.clinic_id)


class PlanViewSet(
    ScopedQuerysetMixin[HomeworkPlan],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[HomeworkPlan],
):
    """Homework plans. Therapists propose one from a signed note, edit it and
    publish it; clients read theirs and reply; the owner reads all."""

    model = HomeworkPlan
    permission_classes = [RolePolicy]
    roles = {
        "read": READERS,
        "propose": PRESCRIBERS,
        "partial_update": PRESCRIBERS,
        "items": PRESCRIBERS,
        "item": PRESCRIBERS,
        "reorder": PRESCRIBERS,
        "publish": PRESCRIBERS,
        "pause": PRESCRIBERS,
        "resume": PRESCRIBERS,
        "stop": PRESCRIBERS,
        "adherence": READERS,
        "replies": {Role.CLIENT},
    }
    serializer_class = s.PlanSerializer
    filterset_fields = ["client", "status"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self, user: Any) -> QuerySet[HomeworkPlan]:
        return selectors.list_plans_for(user).prefetch_related("items__exercise", "alerts")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        user = self.request.user
        clinic_id = getattr(user, "clinic_id", None)
        context["default_profile"] = (
            DosingProfile.objects.filter(clinic_id=clinic_id, is_default=True).first()
            if clinic_id is not None
            else None
        )
        return context

    def _out(self, plan: HomeworkPlan, code: int = status.HTTP_200_OK) -> Response:
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None
        services.record_plan_reads(plans=page, read_by=request_user(request), via="list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        services.record_plan_reads(plans=[plan], read_by=request_user(request))
        return self._out(plan)

    @extend_schema(
        request=s.ProposeSerializer,
        responses={
            201: OpenApiResponse(s.PlanSerializer, description="A new draft from the note."),
            200: OpenApiResponse(
                s.PlanSerializer, description="The note already has a draft: that draft."
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        data = s.ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = list_notes_for(request_user(request)).filter(pk=data.validated_data["note"]).first()
        if note is None:
            raise InvalidInput(fields={"note": ["No such note of yours."]})
        plan, created = services.propose_or_reuse_plan(
            note=note,
            proposed_by=request_user(request),
            clearance_override_reason=data.validated_data["clearance_override_reason"],
        )
        return self._out(plan, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=s.PlanUpdateSerializer, responses=s.PlanSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = s.PlanUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "dosing_profile" in changes and changes["dosing_profile"] is not None:
            profile = DosingProfile.objects.filter(
                pk=changes["dosing_profile"], clinic_id=plan.clinic_id
            ).first()
            if profile is None:
                raise InvalidInput(fields={"dosing_profile": ["No such profile."]})
            changes["dosing_profile"] = profile
        plan = services.update_plan(plan=plan, changed_by=request_user(request), **changes)
        return self._out(plan)

    @extend_schema(request=s.ItemInputSerializer, responses={201: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = s.ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.add_item(plan=plan, added_by=request_user(request), **data.validated_data)
        return self._out(plan, status.HTTP_201_CREATED)

    @extend_schema(request=s.ItemUpdateSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["patch", "delete"], url_path=r"items/(?P<item_id>\d+)")
    def item(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        plan = self.get_object()
        item = (
            PlanItem.objects.filter(plan=plan, pk=int(item_id)).select_related("exercise").first()
        )
        if item is None:
            raise Http404
        if request.method == "DELETE":
            services.remove_item(item=item, removed_by=request_user(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = s.ItemUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_item(item=item, changed_by=request_user(request), **data.validated_data)
        return self._out(plan)

    @extend_schema(request=s.ReorderSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def reorder(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        data = s.ReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reorder_items(
            plan=plan, ordered_by=request_user(request), item_ids=data.validated_data["items"]
        )
        return self._out(plan)

    def _life(self, request: Request, service: Any, by: str) -> Response:
        plan = service(plan=self.get_object(), **{by: request_user(request)})
        return self._out(plan)

    @extend_schema(request=s.PublishSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        data = s.PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.publish_plan(
            plan=self.get_object(),
            published_by=request_user(request),
            clearance_override_reason=data.validated_data["clearance_override_reason"],
        )
        return self._out(plan)

    @extend_schema(request=None, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        return self._life(request, services.pause_plan, "paused_by")

    @extend_schema(request=None, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        return self._life(request, services.resume_plan, "resumed_by")

    @extend_schema(request=None, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str | None = None) -> Response:
        return self._life(request, services.stop_plan, "stopped_by")

    @extend_schema(responses=s.AdherenceSerializer)
    @action(detail=True, methods=["get"])
    def adherence(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        services.record_plan_reads(plans=[plan], read_by=request_user(request), via="adherence")
        return Response(s.AdherenceSerializer(selectors.get_adherence(plan)).data)

    @extend_schema(
        request=s.ReplySerializer,
        responses={
            201: OpenApiResponse(s.ReplyResultSerializer, description="Recorded."),
            200: OpenApiResponse(
                s.ReplyResultSerializer,
                description="Already recorded (the same reply again, or the session's first "
                "answer stands): `recorded` is false.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def replies(self, request: Request, pk: str | None = None) -> Response:
        """A client app's reply: done, skipped, or pain today (0-10)."""
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        reply, created = services.record_reply(
            plan=self.get_object(),
            session_date=v["session_date"],
            kind=v["kind"],
            pain_score=v.get("pain_score"),
            exercise=v.get("exercise"),
            via="api",
        )
        return Response(
            {"id": reply.pk, "recorded": created},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
