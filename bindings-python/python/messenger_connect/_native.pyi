# Stubs of the extension module (the low-level layer; use messenger_connect.Client).
from typing import Any, Callable, Dict, List, Optional

__version__: str

def _debug_panic(aio: bool = ...) -> Any: ...

class NativeStream:
    def next(self, aio: bool = ...) -> Any: ...
    def next_batch(self, max: int = ..., aio: bool = ...) -> Any: ...
    def close(self) -> None: ...
    @property
    def next_link(self) -> Optional[str]: ...
    @property
    def delta_link(self) -> Optional[str]: ...
    @property
    def last_seq(self) -> Optional[int]: ...

class NativeClient:
    def __init__(
        self,
        base_url: str,
        *,
        client_id: Optional[str] = ...,
        client_secret: Optional[str] = ...,
        redirect_uri: Optional[str] = ...,
        tokens: Optional[Dict[str, Any]] = ...,
        on_tokens: Optional[Callable[[Dict[str, Any]], None]] = ...,
        user_agent: Optional[str] = ...,
        connect_timeout: Optional[float] = ...,
        request_timeout: Optional[float] = ...,
        total_timeout: Optional[float] = ...,
        max_attempts: Optional[int] = ...,
        page_prefetch: bool = ...,
        allow_insecure_http: bool = ...,
    ) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

class NativeMockServer:
    def __init__(
        self,
        *,
        seed: int = ...,
        users: int = ...,
        contacts_per_user: int = ...,
        friends_per_user: int = ...,
        activities_per_user: int = ...,
        host: str = ...,
        port: int = ...,
    ) -> None: ...
    @property
    def url(self) -> str: ...
    @property
    def running(self) -> bool: ...
    def users(self) -> List[Dict[str, str]]: ...
    def stop(self) -> None: ...
