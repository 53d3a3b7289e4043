"""The SQL that copies the template's service (``benchmarks.build``): for each table, which of the
template's rows to copy and how each column of a copy is made (ids and foreign keys moved by their
table's stride, an IRO by ``pg_temp.bench_user``, a deadline flag's key by ``pg_temp.bench_remap_key``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class CopySpec:
    """One table to copy: the model, an SQL filter on the template's rows (``t``), and the
    condition that a row belongs to a child of the partial copy (None: copied whole)."""

    model: type[models.Model]
    where: str = "TRUE"
    partial: str | None = None


PARTIAL = "SELECT child_id FROM bench_partial_child"
#: The service's chairs, copied with each copy: the IROs and whoever chairs a child's conferences
#: (the child protection chair, who has no IRO profile).
CHAIRS = "SELECT user_id FROM children_iroprofile UNION SELECT iro_id FROM children_iroallocation"


def via(column: str, table: str) -> str:
    """A row whose ``column`` points to a row of ``table`` that belongs to a partial-copy child."""
    return f"t.{column} IN (SELECT x.id FROM {table} x WHERE x.child_id IN ({PARTIAL}))"  # noqa: S608


def copy_specs() -> list[CopySpec]:
    from django.contrib.auth import get_user_model

    from children.models import (
        CareEpisode,
        Child,
        Contact,
        CoverArrangement,
        IROAllocation,
        IROProfile,
        SiblingGroup,
        SignificantChange,
        Team,
    )
    from conferences.models import (
        Conference,
        ConferenceAttendee,
        ConferenceChild,
        CoreGroupMember,
        PlanAction,
        ProtectionPlan,
    )
    from disputes.models import CafcassReferral, Dispute, DisputeStep
    from iro_service.models import RoleGrant
    from reviews.models import (
        Action,
        ActionProgress,
        CaseNote,
        DeadlineFlag,
        MidwayReview,
        Review,
        ReviewDateChange,
        ReviewDue,
        ReviewSchedule,
        Visit,
    )
    from voice.models import FeedbackQuote, VoiceLink, VoiceResponse

    user = get_user_model()
    iro = "t.{col} IN (" + CHAIRS + ")"
    specs = [
        CopySpec(user, iro.format(col="id")),
        CopySpec(user.groups.through, iro.format(col="user_id")),
        CopySpec(RoleGrant, iro.format(col="user_id")),
        CopySpec(Team),
        CopySpec(IROProfile),
        CopySpec(SiblingGroup),
        CopySpec(CoverArrangement),
        CopySpec(Child, partial=f"t.id IN ({PARTIAL})"),
        CopySpec(ReviewDateChange, partial=via("review_id", "reviews_review")),
        CopySpec(ActionProgress, partial=via("action_id", "reviews_action")),
        CopySpec(DisputeStep, partial=via("dispute_id", "disputes_dispute")),
        CopySpec(CafcassReferral, partial=via("dispute_id", "disputes_dispute")),
        # A conference is about a family: copied in the partial copy when one of its children is.
        CopySpec(Conference, partial=via("id", "conferences_conferencechild").replace("x.id", "x.conference_id")),
        CopySpec(
            ConferenceAttendee,
            partial=via("conference_id", "conferences_conferencechild").replace("x.id", "x.conference_id"),
        ),
        CopySpec(CoreGroupMember, partial=via("plan_id", "conferences_protectionplan")),
        CopySpec(FeedbackQuote, partial=via("response_id", "voice_voiceresponse")),
    ]
    specs += [
        CopySpec(model, partial=f"t.child_id IN ({PARTIAL})")
        for model in (
            CareEpisode,
            IROAllocation,
            SignificantChange,
            Contact,
            Review,
            Action,
            Visit,
            MidwayReview,
            CaseNote,
            ReviewSchedule,
            ReviewDue,
            DeadlineFlag,
            Dispute,
            ProtectionPlan,
            ConferenceChild,
            PlanAction,
            VoiceLink,
            VoiceResponse,
        )
    ]
    return specs


def column_expression(field, *, strides: dict, user_model) -> str:
    """The SQL giving ``field`` of copy ``c.k`` from the template's row ``t``."""
    col = f"t.{field.column}"
    if field.primary_key:
        return f"{col} + c.k * {strides[field.model]}"
    if field.is_relation and field.many_to_one or field.one_to_one:
        target = field.related_model
        if target is user_model:
            return f"pg_temp.bench_user({col}, c.k)"
        if target in strides:
            return f"{col} + c.k * {strides[target]}"
    overrides = {
        ("children_child", "local_reference"): f"{col} || '-' || c.k",
        # The copy's reference as children.search folds it: "demo0007 3" and "demo00073".
        ("children_child", "search_text"): (
            f"{col} || ' ' || c.k || ' ' || lower(regexp_replace(t.local_reference, '[^0-9A-Za-z]+', '', 'g')) || c.k"
        ),
        ("children_team", "name"): f"{col} || ' ' || c.k",
        ("auth_user", "username"): f"{col} || '-' || c.k",
        ("reviews_deadlineflag", "key"): f"pg_temp.bench_remap_key({col}, c.k)",
        # A link's token hash is unique: each copy's is the hash of the template's and the copy number.
        ("voice_voicelink", "token_hash"): f"encode(sha256(convert_to({col} || '-' || c.k, 'UTF8')), 'hex')",
    }
    return overrides.get((field.model._meta.db_table, field.column), col)


def copy_sql(spec: CopySpec, *, strides: dict, user_model, template_max: int) -> list[str]:
    """The INSERTs of ``spec``'s table: the whole copies, then the partial one (if any)."""
    fields = list(spec.model._meta.concrete_fields)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    values = ", ".join(column_expression(f, strides=strides, user_model=user_model) for f in fields)
    table = spec.model._meta.db_table
    # Table and column names come from the models, never from input.
    select = (
        f'INSERT INTO "{table}" ({columns}) SELECT {values} FROM "{table}" t CROSS JOIN bench_copy c '  # noqa: S608
        f"WHERE t.id <= {template_max} AND ({spec.where})"
    )
    if spec.partial is None:
        return [select]
    return [f"{select} AND NOT c.partial", f"{select} AND c.partial AND {spec.partial}"]
