"""The REST-JSON wire format of an AWS service, driven by botocore's service model.

For services moto does not have at all (MediaConvert), there is no moto ``BaseResponse`` to subclass,
so this module does what moto's model-driven parser and serializer do for the CloudFront extension:

* :meth:`RestJsonService.match` finds the operation from the method and the *raw* request path (labels
  such as ``{arn}`` are percent-encoded by the SDKs, slashes included, so the decoded ``PATH_INFO`` is
  ambiguous);
* :meth:`RestJsonService.parse` turns URI labels, the query string and the JSON body into the operation's
  input with the model's member names (``Settings``, not ``settings``), and validates it the way the
  service does: types, ``enum``, ``min``/``max``, ``pattern``, ``required`` and unknown members. A violation
  is a :class:`ServiceError` ``BadRequestException`` whose message names the JSON pointer of the offending
  wire member, e.g. ``/outputGroups/0/outputs: Should have at least 1 items``;
* :meth:`RestJsonService.response` serializes an output with the wire names (``locationName``), the
  model's timestamp format and the operation's HTTP status;
* :meth:`RestJsonService.error` answers an error the way restJson services do: the HTTP status the error
  shape declares, an ``x-amzn-ErrorType`` header (botocore reads the code from it) and ``{"message": ...}``.
"""

from __future__ import annotations

import base64
import json
import math
import re
import uuid
from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import unquote

import botocore.session
from botocore.model import OperationModel
from botocore.model import ServiceModel
from botocore.model import Shape
from botocore.model import StructureShape


class ServiceError(Exception):
    """An error answer: ``code`` is an error shape of the model (or a protocol-level code with ``status``)."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        """Remember code, message and an explicit HTTP status (else the model's)."""
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def bad_request(message: str) -> ServiceError:
    """A ``BadRequestException`` (the generic 400 of the Elemental Media services)."""
    return ServiceError("BadRequestException", message)


@cache
def service_model(service_name: str) -> ServiceModel:
    """botocore's service model (loaded once per process)."""
    return botocore.session.get_session().get_service_model(service_name)


def _label_regex(request_uri: str) -> tuple[re.Pattern[str], list[str]]:
    """Compile ``/2017-08-29/queues/{name}`` into a regex over the raw path and its label names."""
    path = request_uri.split("?", 1)[0]
    names: list[str] = []
    pattern = ""
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            greedy = name.endswith("+")
            name = name.rstrip("+")
            names.append(name)
            pattern += f"(?P<{name}>.+)" if greedy else f"(?P<{name}>[^/]+)"
        else:
            pattern += re.escape(part)
    return re.compile(f"^{pattern}/?$"), names


def _wire_name(member_name: str, shape: Shape) -> str:
    return str(shape.serialization.get("name") or member_name)


def json_pointer(path: str, key: str | int) -> str:
    """Append ``key`` to a JSON pointer (``~`` and ``/`` escaped as RFC 6901 says)."""
    return f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"


class RestJsonService:
    """Routing, parsing, validation and serialization for one REST-JSON service of the model."""

    def __init__(self, service_name: str, *, pointer_roots: Iterable[str] = ()) -> None:
        """Load the model and compile the routes.

        :param pointer_roots: input members whose content is reported relative to the member itself
            (MediaConvert reports ``/outputGroups/0/...`` for job settings, not ``/settings/outputGroups/...``).
        """
        self.model = service_model(service_name)
        self.pointer_roots = frozenset(pointer_roots)
        self._routes: list[tuple[str, re.Pattern[str], str]] = []
        for name in self.model.operation_names:
            http = self.model.operation_model(name).http
            regex, _labels = _label_regex(http["requestUri"])
            self._routes.append((http["method"], regex, name))
        # Literal segments win over labels (``/jobs/{id}`` vs a hypothetical ``/jobs/search``).
        self._routes.sort(key=lambda route: route[1].pattern.count("(?P<"))

    # ----------------------------------------------------------------------------------------------
    # requests
    # ----------------------------------------------------------------------------------------------

    def match(self, method: str, raw_path: str) -> tuple[OperationModel, dict[str, str]] | None:
        """Return the operation and its (decoded) URI labels, or None if no route matches."""
        for route_method, regex, name in self._routes:
            if route_method != method:
                continue
            found = regex.match(raw_path)
            if found:
                return self.model.operation_model(name), {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def parse(self, operation: OperationModel, labels: dict[str, str], query: str, body: bytes) -> dict[str, Any]:
        """Return the validated input of ``operation`` with model member names."""
        shape = operation.input_shape
        if shape is None:
            return {}
        assert isinstance(shape, StructureShape)
        params: dict[str, Any] = {}
        query_values = parse_qs(query, keep_blank_values=True)
        try:
            document = json.loads(body) if body.strip() else {}
        except ValueError as exc:
            raise bad_request(f"The request body is not valid JSON: {exc}") from exc
        if not isinstance(document, dict):
            raise bad_request("/: Should be an object")
        body_members: dict[str, Any] = {}
        wire_to_member: dict[str, str] = {}
        for member_name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = _wire_name(member_name, member)
            if location == "uri":
                if wire in labels:
                    params[member_name] = self._scalar_from_text(member, labels[wire], f"/{wire}")
            elif location == "querystring":
                if wire in query_values:
                    values = query_values[wire]
                    if member.type_name == "list":
                        params[member_name] = [
                            self._scalar_from_text(member.member, v, f"/{wire}") for v in values  # type: ignore[attr-defined]
                        ]
                    else:
                        params[member_name] = self._scalar_from_text(member, values[-1], f"/{wire}")
            elif location in ("header", "headers", "statusCode"):
                continue
            else:
                wire_to_member[wire] = member_name
        for wire, value in document.items():
            member_name = wire_to_member.get(wire)
            if member_name is None:
                raise bad_request(f"/: Should not have additional property '{wire}'")
            if value is None:
                continue
            root = "" if member_name in self.pointer_roots else f"/{wire}"
            body_members[member_name] = self.from_wire(shape.members[member_name], value, root)
        params.update(body_members)
        for required in shape.required_members:
            if required not in params:
                wire = _wire_name(required, shape.members[required])
                raise bad_request(f"/: Should have required property '{wire}'")
        return params

    def _scalar_from_text(self, shape: Shape, text: str, path: str) -> Any:
        """Convert a URI label or query string value to the shape's type, then validate it."""
        value: Any = text
        if shape.type_name in ("integer", "long"):
            try:
                value = int(text)
            except ValueError as exc:
                raise bad_request(f"{path}: Should be an integer") from exc
        elif shape.type_name in ("double", "float"):
            try:
                value = float(text)
            except ValueError as exc:
                raise bad_request(f"{path}: Should be a number") from exc
        elif shape.type_name == "boolean":
            if text not in ("true", "false"):
                raise bad_request(f"{path}: Should be a boolean")
            value = text == "true"
        return self.from_wire(shape, value, path)

    def from_wire(self, shape: Shape, value: Any, path: str) -> Any:
        """Validate a JSON value against ``shape`` and return it with model member names."""
        kind = shape.type_name
        where = path or "/"
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            if not isinstance(value, dict):
                raise bad_request(f"{where}: Should be an object")
            by_wire = {_wire_name(name, member): name for name, member in shape.members.items()}
            result: dict[str, Any] = {}
            for wire, item in value.items():
                name = by_wire.get(wire)
                if name is None:
                    raise bad_request(f"{where}: Should not have additional property '{wire}'")
                if item is not None:
                    result[name] = self.from_wire(shape.members[name], item, json_pointer(path, wire))
            for required in shape.required_members:
                if required not in result:
                    raise bad_request(
                        f"{where}: Should have required property '{_wire_name(required, shape.members[required])}'"
                    )
            return result
        if kind == "list":
            if not isinstance(value, list):
                raise bad_request(f"{where}: Should be an array")
            self._check_size(shape, len(value), where, "items")
            member = shape.member  # type: ignore[attr-defined]
            return [self.from_wire(member, item, json_pointer(path, index)) for index, item in enumerate(value)]
        if kind == "map":
            if not isinstance(value, dict):
                raise bad_request(f"{where}: Should be an object")
            self._check_size(shape, len(value), where, "properties")
            value_shape = shape.value  # type: ignore[attr-defined]
            return {
                str(key): self.from_wire(value_shape, item, json_pointer(path, key))
                for key, item in value.items()
                if item is not None
            }
        if kind == "string":
            if not isinstance(value, str):
                raise bad_request(f"{where}: Should be a string")
            enum = shape.enum
            if enum and value not in enum:
                raise bad_request(f"{where}: Should be equal to one of the allowed values {list(enum)}")
            self._check_size(shape, len(value), where, "characters")
            pattern = shape.metadata.get("pattern")
            if pattern:
                try:
                    matched = re.search(pattern, value) is not None
                except re.error:
                    matched = True
                if not matched:
                    raise bad_request(f'{where}: Should match pattern "{pattern}"')
            return value
        if kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                else:
                    raise bad_request(f"{where}: Should be an integer")
            self._check_range(shape, value, where)
            return value
        if kind in ("double", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise bad_request(f"{where}: Should be a number")
            self._check_range(shape, value, where)
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                raise bad_request(f"{where}: Should be a boolean")
            return value
        if kind == "timestamp":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return datetime.fromtimestamp(value, tz=UTC)
            if isinstance(value, str):
                try:
                    return datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError as exc:
                    raise bad_request(f"{where}: Should be a timestamp") from exc
            raise bad_request(f"{where}: Should be a timestamp")
        if kind == "blob":
            if not isinstance(value, str):
                raise bad_request(f"{where}: Should be a base64 string")
            return base64.b64decode(value)
        return value

    @staticmethod
    def _check_size(shape: Shape, size: int, where: str, unit: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and size < low:
            raise bad_request(f"{where}: Should have at least {low} {unit}")
        if high is not None and size > high:
            raise bad_request(f"{where}: Should have at most {high} {unit}")

    @staticmethod
    def _check_range(shape: Shape, value: float, where: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            raise bad_request(f"{where}: Should be greater than or equal to {low}")
        if high is not None and value > high:
            raise bad_request(f"{where}: Should be less than or equal to {high}")

    # ----------------------------------------------------------------------------------------------
    # responses
    # ----------------------------------------------------------------------------------------------

    def to_wire(self, shape: Shape, value: Any) -> Any:
        """Serialize ``value`` (model member names) with wire names; ``None`` members are left out."""
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            result: dict[str, Any] = {}
            for name, member in shape.members.items():
                item = value.get(name) if isinstance(value, dict) else None
                if item is not None:
                    result[_wire_name(name, member)] = self.to_wire(member, item)
            return result
        if kind == "list":
            return [self.to_wire(shape.member, item) for item in value]  # type: ignore[attr-defined]
        if kind == "map":
            return {key: self.to_wire(shape.value, item) for key, item in value.items()}  # type: ignore[attr-defined]
        if kind == "timestamp":
            moment = value if isinstance(value, datetime) else datetime.fromtimestamp(float(value), tz=UTC)
            fmt = shape.serialization.get("timestampFormat") or "unixTimestamp"
            if fmt == "unixTimestamp":
                return int(moment.timestamp())
            return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if kind == "blob":
            return base64.b64encode(value).decode()
        return value

    def response(self, operation: OperationModel, output: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of a successful answer."""
        shape = operation.output_shape
        document = self.to_wire(shape, output) if shape is not None else {}
        body = json.dumps(document).encode()
        status = int(operation.http.get("responseCode", 200))
        return status, self._headers(body), body

    def error(self, error: ServiceError) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of an error answer (restJson: header + ``{"message": ...}``)."""
        status = error.status
        if status is None:
            try:
                status = int(self.model.shape_for(error.code).metadata["error"]["httpStatusCode"])
            except Exception:  # not a modeled error shape
                status = 400
        body = json.dumps({"message": error.message}).encode()
        headers = self._headers(body)
        headers["x-amzn-ErrorType"] = error.code
        return status, headers, body

    @staticmethod
    def _headers(body: bytes) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "x-amzn-RequestId": str(uuid.uuid4()),
        }
