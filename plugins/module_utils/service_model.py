# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a request document against a botocore service model, stricter than botocore's own validator.

botocore's parameter validation checks types, required members and minimums, but not enums or maximums;
MediaConvert job settings are large documents where a wrong enum value or an out-of-range number otherwise
surfaces only as a job failure minutes later. :func:`shape_problems` reports every member that the model
would refuse, as ``path: reason`` strings, without any AWS call.
"""

import functools

_NUMBER_TYPES = ("integer", "long", "double", "float")


# Once per process: a task's templating evaluates a role variable each time another one refers to it, and the
# mediaconvert role's job documents were checked 15 times in one task, each time with a new botocore session that
# listed botocore's data folders and decompressed the service model again (about 0.4 s of that task, cProfile).
@functools.cache
def service_model(service):
    # botocore is imported here, on first use, not with this file: the filter plugins that import this file are
    # loaded by every task of a role that templates any of the collection's filters, each in a fresh worker process,
    # and importing botocore there took more than half of a site.yml run's controller time (py-spy, measured).
    import botocore.session  # noqa: PLC0415 pylint: disable=import-outside-toplevel

    return botocore.session.get_session().get_service_model(service)


def shape_problems(shape, value, path="$"):
    """Problems of ``value`` against a botocore ``shape`` (types, required, enums, min/max, lengths)."""
    problems = []
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required member is missing")
        for name, member_value in value.items():
            if name not in shape.members:
                problems.append(f"{path}.{name}: unknown member of {shape.name}")
                continue
            problems.extend(shape_problems(shape.members[name], member_value, f"{path}.{name}"))
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        problems.extend(_range(shape, len(value), path, "items"))
        for index, item in enumerate(value):
            problems.extend(shape_problems(shape.member, item, f"{path}[{index}]"))
        return problems
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        for key, item in value.items():
            problems.extend(shape_problems(shape.key, key, f"{path}.<key {key}>"))
            problems.extend(shape_problems(shape.value, item, f"{path}.{key}"))
        return problems
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {type(value).__name__}"]
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {', '.join(shape.enum)}")
        problems.extend(_range(shape, len(value), path, "characters"))
        return problems
    if kind in _NUMBER_TYPES:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{path}: expected a number, got {type(value).__name__}"]
        if kind in ("integer", "long") and not isinstance(value, int):
            return [f"{path}: expected an integer, got {value!r}"]
        return _range(shape, value, path, None)
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected true or false, got {type(value).__name__}"]
    return problems


def _range(shape, measured, path, unit):
    problems = []
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    what = f"{measured} {unit}" if unit else str(measured)
    if low is not None and measured < low:
        problems.append(f"{path}: {what} is below the minimum {low}")
    if high is not None and measured > high:
        problems.append(f"{path}: {what} is above the maximum {high}")
    return problems


def request_problems(service, operation, document, member):
    """Problems of ``document`` as the ``member`` of ``operation``'s input (e.g. CreateJob's Settings)."""
    shape = service_model(service).operation_model(operation).input_shape.members[member]
    return shape_problems(shape, document, member)
