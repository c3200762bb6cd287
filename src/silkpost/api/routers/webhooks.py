"""``/api/v1/webhooks``: a partner subscribes its endpoints, reads their delivery logs and
asks for replays. A partner sees and changes only its own subscriptions (another's answers
404, as an unknown id); an admin, every partner's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from silkpost.api.access import allow
from silkpost.api.deps import PlatformDep
from silkpost.api.problems import PROBLEM_RESPONSES
from silkpost.domain.partners import Role
from silkpost.domain.webhooks import Delivery, Subscription
from silkpost.errors import InvalidRequest
from silkpost.partners.service import Caller
from silkpost.webhooks import service

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], responses=PROBLEM_RESPONSES)
SUBSCRIBERS = allow(Role.PARTNER, Role.OPERATOR)
SubscriptionId = Annotated[str, Path(max_length=40, description="subscription id, wh_…")]


class SubscriptionIn(BaseModel):
    """What to send where."""

    url: str = Field(max_length=2000, description="the endpoint, https://…")
    types: list[str] = Field(min_length=1, max_length=10, description="item.status_changed, "
                             "item.stuck, item.delivered, notice.published, "
                             "webhook.disabled")
    lanes: list[str] = Field(default=[], max_length=100)
    nodes: list[str] = Field(default=[], max_length=100)
    ids: list[str] = Field(default=[], max_length=1000)
    partner: str | None = Field(default=None, description="admins only: whose subscription")


class SubscriptionOut(BaseModel):
    """A subscription, never its secret (but once, when made)."""

    id: str
    partner: str
    url: str
    types: list[str]
    lanes: list[str]
    nodes: list[str]
    ids: list[str]
    created_at: datetime
    disabled_at: datetime | None
    disabled_reason: str | None
    secret: str | None = Field(default=None, description="only in the answer that made it")

    @classmethod
    def of(cls, x: Subscription, secret: str | None = None) -> SubscriptionOut:
        """From the domain's subscription."""
        return cls(id=x.subscription_id, partner=x.partner, url=x.url,
                   types=[t.value for t in x.types], lanes=list(x.lanes), nodes=list(x.nodes),
                   ids=list(x.object_ids), created_at=x.created_at, disabled_at=x.disabled_at,
                   disabled_reason=x.disabled_reason or None, secret=secret)


class DeliveryOut(BaseModel):
    """One message to the endpoint and how its attempts went."""

    msg_id: str
    type: str
    state: str
    attempts: int
    created_at: datetime
    next_at: datetime
    last_status: int | None
    last_error: str | None
    done_at: datetime | None

    @classmethod
    def of(cls, x: Delivery) -> DeliveryOut:
        """From the domain's delivery."""
        return cls(msg_id=x.msg_id, type=x.event_type.value, state=x.state.value,
                   attempts=x.attempts, created_at=x.created_at, next_at=x.next_at,
                   last_status=x.last_status, last_error=x.last_error or None,
                   done_at=x.done_at)


def _whose(caller: Caller) -> str | None:
    """Whose subscriptions the caller reaches: its partner's, or (admin) everyone's."""
    return None if caller.role is Role.ADMIN else caller.partner.code


@router.post("", response_model=SubscriptionOut, status_code=201)
def post_subscription(body: SubscriptionIn, platform: PlatformDep,
                      caller: Annotated[Caller, SUBSCRIBERS]) -> SubscriptionOut:
    """Subscribe an endpoint; the answer carries its signing secret, the only time."""
    if body.partner is not None and caller.role is not Role.ADMIN:
        raise InvalidRequest("only an admin subscribes for another partner", field="partner")
    new = service.subscribe(body.partner or caller.partner.code, body.url, body.types,
                            uow=platform.webhook_uow(), clock=platform.clock, lanes=body.lanes,
                            nodes=body.nodes, object_ids=body.ids)
    return SubscriptionOut.of(new.subscription, new.secret)


@router.get("", response_model=list[SubscriptionOut])
def get_subscriptions(platform: PlatformDep,
                      caller: Annotated[Caller, SUBSCRIBERS]) -> list[SubscriptionOut]:
    """The caller's partner's subscriptions (an admin's: all)."""
    found = service.subscriptions(uow=platform.webhook_uow(), partner=_whose(caller))
    return [SubscriptionOut.of(x) for x in found]


@router.get("/{subscription_id}/deliveries", response_model=list[DeliveryOut])
def get_deliveries(platform: PlatformDep, caller: Annotated[Caller, SUBSCRIBERS],
                   subscription_id: SubscriptionId,
                   limit: Annotated[int, Query(ge=1, le=service.MAX_LOG)] = 100
                   ) -> list[DeliveryOut]:
    """A subscription's latest deliveries, newest first."""
    found = service.delivery_log(subscription_id, uow=platform.webhook_uow(), limit=limit,
                                 partner=_whose(caller))
    return [DeliveryOut.of(x) for x in found]


class ReplayOut(BaseModel):
    """How many deliveries go out again."""

    queued: int


@router.post("/{subscription_id}/replay", response_model=ReplayOut)
def post_replay(platform: PlatformDep, caller: Annotated[Caller, SUBSCRIBERS],
                subscription_id: SubscriptionId,
                since: Annotated[datetime, Query(description="resend what was queued since")]
                ) -> ReplayOut:
    """Send again everything queued for the subscription since a time (same webhook-ids)."""
    if since.utcoffset() is None:
        raise InvalidRequest("since needs a UTC offset", field="since")
    count = service.replay(subscription_id, since=since, uow=platform.webhook_uow(),
                           clock=platform.clock, partner=_whose(caller))
    return ReplayOut(queued=count)
