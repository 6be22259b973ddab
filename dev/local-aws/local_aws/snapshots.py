"""Named snapshots of the whole local AWS state: save once, restore many times (test tooling, not an AWS API).

A scenario test that needs "the stack site.yml converges to" can restore it in milliseconds instead of running
site.yml from an empty account (about 30 s). ``POST /_local_aws/snapshot/<name>`` saves every moto backend in use
(pickled) and a deep copy of every extension's own state; ``POST /_local_aws/restore/<name>`` empties the server
(as ``/moto-api/reset`` does) and puts a fresh copy of the snapshot in place, so the snapshot itself is never
touched and can be restored again. A snapshot is refused while a MediaConvert job runs (its ffmpeg process and
worker thread cannot be copied).

Extensions with state of their own take part through two optional methods (see :mod:`local_aws.server`):
``snapshot() -> object`` returns a deep copy of that state and ``restore(state)`` replaces the state with a deep
copy of what ``snapshot`` returned.

moto keeps every service's state in a :class:`~moto.core.base_backend.BackendDict` (account -> Region ->
backend), which :meth:`BackendDict.reset` empties in place; restoring fills the same dictionaries again (and their
state attributes, such as S3's index of bucket names), so that every module holding a reference to them sees the
restored state. moto's state is kept pickled rather than as live objects because moto's reset disposes of every S3
object it ever created (it tracks instances), which would empty a live copy. Locks are copied as new, unlocked
locks; a few moto containers whose ``__init__`` needs arguments are copied member by member.
"""

from __future__ import annotations

import _thread
import copyreg
import pickle
import threading
from collections import defaultdict
from typing import Any

from moto.core.base_backend import BackendDict
from moto.core.base_backend import backend_lock

_RLOCK_TYPE = type(threading.RLock())


def _fresh_lock() -> Any:
    return _thread.allocate_lock()


def _new_container(cls: type, factory: Any = None) -> Any:
    """An empty instance of ``cls`` made without ``__init__`` (the copy fills in its members and items)."""
    obj = cls.__new__(cls)
    if isinstance(obj, defaultdict):
        obj.default_factory = factory
    return obj


def _copy_member_by_member(obj: Any) -> tuple[Any, ...]:
    """Reduce a dict subclass whose ``__init__`` takes arguments: new instance, attributes, items."""
    return (
        _new_container,
        (type(obj), getattr(obj, "default_factory", None)),
        dict(obj.__dict__),
        None,
        iter(obj.items()),
    )


def _install_copiers() -> None:
    copyreg.pickle(_thread.LockType, lambda _lock: (_fresh_lock, ()))
    copyreg.pickle(_RLOCK_TYPE, lambda _lock: (threading.RLock, ()))
    from moto.ssm.models import ParameterDict  # noqa: PLC0415  (moto imports its services lazily)

    copyreg.pickle(ParameterDict, _copy_member_by_member)


_install_copiers()


#: What a BackendDict is made with; anything else in its ``__dict__`` is state (S3's bucket name -> account index).
_BACKEND_DICT_SETUP = frozenset({"backend", "service_name", "_use_boto3_regions", "_additional_regions", "_id"})


def _state_attributes(backend_dict: BackendDict) -> dict[str, Any]:
    return {name: value for name, value in vars(backend_dict).items() if name not in _BACKEND_DICT_SETUP}


class SnapshotError(RuntimeError):
    """The state cannot be saved or restored (the message says why)."""


class Snapshots:
    """Named snapshots of moto's backends and of the extensions that keep state of their own."""

    def __init__(self, extensions: list[Any]) -> None:
        """Snapshot ``extensions`` (those with ``snapshot``/``restore``) together with moto."""
        self.extensions = [e for e in extensions if callable(getattr(e, "snapshot", None))]
        self._saved: dict[str, tuple[list[BackendDict], bytes, list[Any]]] = {}
        self.lock = threading.Lock()

    def names(self) -> list[str]:
        """The names saved so far."""
        return sorted(self._saved)

    def save(self, name: str) -> None:
        """Save the current state under ``name`` (replacing a snapshot of that name)."""
        with self.lock, backend_lock:
            extension_states = [extension.snapshot() for extension in self.extensions]
            backends = [(bd, (dict(bd), _state_attributes(bd))) for bd in BackendDict._instances]
            # One pickle for all services, so that references between them stay references within the copy. Kept
            # as bytes: live copies would be disposed of by moto's reset, which closes every S3 object it ever made.
            blob = pickle.dumps([data for _backend_dict, data in backends], protocol=pickle.HIGHEST_PROTOCOL)
            self._saved[name] = ([bd for bd, _data in backends], blob, extension_states)

    def restore(self, name: str, reset_extensions: Any) -> None:
        """Empty the server (``reset_extensions()`` then moto) and put a copy of snapshot ``name`` in place."""
        with self.lock:
            if name not in self._saved:
                raise SnapshotError(f"no snapshot named {name!r} (saved: {', '.join(self.names()) or 'none'})")
            backend_dicts, blob, extension_states = self._saved[name]
            reset_extensions()
            BackendDict.reset()
            with backend_lock:
                copied = pickle.loads(blob)  # bytes this process pickled itself
                for backend_dict, (items, attributes) in zip(backend_dicts, copied, strict=True):
                    dict.update(backend_dict, items)
                    vars(backend_dict).update(attributes)
                    BackendDict._instances.append(backend_dict)
            for extension, state in zip(self.extensions, extension_states, strict=True):
                extension.restore(state)


__all__ = ["SnapshotError", "Snapshots"]
