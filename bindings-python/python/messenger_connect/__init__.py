"""Messenger Connect for Python: a thin binding of the Rust client.

- ``Client`` (blocking, thread-safe; the GIL is released while it waits) and
  ``AsyncClient`` (asyncio);
- typed models (``Contact``, ``Me``...) with attribute access and ``to_dict()``;
- ``Filter`` for OData ``$filter`` (literals escaped for you);
- exceptions under ``MessengerConnectError`` (see ``messenger_connect.errors``);
- ``messenger_connect.testing.MockServer``: the mock server in-process, for tests.
"""

from ._client import AsyncClient, Client
from ._iter import AsyncIterator, SyncIterator
from .errors import (
    ApiError,
    AuthError,
    ConfigError,
    ConflictError,
    DecodeError,
    InternalError,
    InvalidArgumentError,
    MessengerConnectError,
    NetworkError,
    NotFoundError,
    OAuthError,
    PreconditionFailedError,
    RateLimitedError,
    ResyncRequiredError,
    ServerError,
    ValidationError,
)
from .models import (
    Activity,
    AuthorizationRequest,
    BatchResponse,
    DeviceAuthorization,
    DevicePoll,
    Introspection,
    Permissions,
    UserInfo,
    Contact,
    Conversation,
    DeltaChange,
    DeltaResult,
    Event,
    Friend,
    Invitation,
    Me,
    Message,
    Model,
    Page,
    PublicProfile,
    Status,
    TokenSet,
)
from .query import Filter

__version__ = "0.1.0"

__all__ = [
    "Client",
    "AsyncClient",
    "SyncIterator",
    "AsyncIterator",
    "Filter",
    "MessengerConnectError",
    "ApiError",
    "AuthError",
    "OAuthError",
    "NotFoundError",
    "ConflictError",
    "ResyncRequiredError",
    "PreconditionFailedError",
    "ValidationError",
    "RateLimitedError",
    "ServerError",
    "NetworkError",
    "DecodeError",
    "InvalidArgumentError",
    "ConfigError",
    "InternalError",
    "Model",
    "Me",
    "Status",
    "PublicProfile",
    "Contact",
    "Friend",
    "Invitation",
    "Activity",
    "Conversation",
    "Message",
    "Event",
    "TokenSet",
    "Page",
    "DeltaResult",
    "DeltaChange",
    "AuthorizationRequest",
    "DeviceAuthorization",
    "DevicePoll",
    "Introspection",
    "UserInfo",
    "Permissions",
    "BatchResponse",
]
