"""What a change to a stack's settings (`Pulumi.<stack>.yaml`) does, and which of it weakens the stack.

Settings are compared as the program sees them: a `color-mesh:*` key that is absent has its
default. Each known key is judged on its own terms; a change to any other key (`aws:region`,
`aws:profile`, a setting a newer program reads...) cannot be judged offline and so counts as a
weakening: the gate fails closed.

Weakening: the target moving from app-mesh to service-connect (Envoy's per-caller enforcement goes; see
`_target`); `publicCidrs` admitting addresses it did not; tasks or the load balancer in another VPC
or in subnets the base did not use for them; the Envoy image from another repository or an older
version; shorter log retention; deletion protection turned off. Reported, not weakening: the
topology file (its content is compared separately), `vpcCidr` (no rule is built from it),
`minTaskCount`, `containerInsights`, a newer Envoy from the same repository.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from mesh_components.settings.stack_file import PROJECT
from mesh_components.settings.stack_settings import STRUCTURED_KEYS, StackSettings, config_keys

_ENVOY_IMAGE = re.compile(r"^(?P<repository>.+):v(?P<version>\d+(?:\.\d+){3})-prod$")


@dataclass(frozen=True)
class SettingChange:
    key: str  # as written in the stack file, e.g. color-mesh:publicCidrs
    old: str
    new: str
    weakened: Optional[str] = None


def defaults() -> dict[str, Any]:
    """`color-mesh:<key>` -> the value the program uses when the stack does not set it."""
    found = {}
    for name, field in StackSettings.model_fields.items():
        if not field.is_required():
            found[f"{PROJECT}:{field.alias or name}"] = field.get_default(call_default_factory=True)
    return found


def effective(config: Mapping[str, Any]) -> dict[str, Any]:
    """A stack's config with the program's defaults filled in; plain text numbers and booleans typed."""
    values = {**defaults(), **config}
    for key in config_keys():
        namespaced = f"{PROJECT}:{key}"
        if isinstance(values.get(namespaced), str) and key in STRUCTURED_KEYS:
            values[namespaced] = _json_or_text(values[namespaced])
        elif isinstance(values.get(namespaced), str) and values[namespaced] in ("true", "false"):
            values[namespaced] = values[namespaced] == "true"
        elif isinstance(values.get(namespaced), str) and re.fullmatch(r"-?\d+", values[namespaced]):
            values[namespaced] = int(values[namespaced])
    return values


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def diff_settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[SettingChange, ...]:
    before, after = effective(old), effective(new)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        judge = _JUDGES.get(key, _cannot_judge)
        changes.append(SettingChange(key, _show(was), _show(now), judge(was, now)))
    return tuple(changes)


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    return value if isinstance(value, str) else json.dumps(value)


def _cannot_judge(was: Any, now: Any) -> Optional[str]:
    return "a setting the review cannot judge offline changed, so it counts as weakening"


def _not_weakening(was: Any, now: Any) -> Optional[str]:
    return None


def _public_cidrs(was: Any, now: Any) -> Optional[str]:
    try:
        old_networks = [ipaddress.ip_network(cidr, strict=False) for cidr in was]
        new_networks = [ipaddress.ip_network(cidr, strict=False) for cidr in now]
    except (TypeError, ValueError):
        return "cannot be read as address blocks, so it counts as weakening"
    wider = [str(network) for network in new_networks
             if not any(network.version == old.version and network.subnet_of(old) for old in old_networks)]
    return f"the load balancer now admits {', '.join(wider)}" if wider else None


def _network(was: Any, now: Any) -> Optional[str]:
    if not isinstance(was, dict) or not isinstance(now, dict) or was.get("vpcId") != now.get("vpcId"):
        return "the stack moves to another VPC: nothing there can be compared with the base"
    reasons = []
    public = set(was.get("publicSubnetIds") or []) | set(now.get("publicSubnetIds") or [])
    for subnet in sorted(set(now.get("privateSubnetIds") or []) - set(was.get("privateSubnetIds") or [])):
        kind = "a public subnet" if subnet in public else "a subnet the base did not run tasks in"
        reasons.append(f"tasks may now run in {subnet}, {kind}")
    for subnet in sorted(set(now.get("publicSubnetIds") or []) - set(was.get("publicSubnetIds") or [])):
        reasons.append(f"the load balancer may now sit in {subnet}")
    return "; ".join(reasons) or None


def _target(was: Any, now: Any) -> Optional[str]:
    """Leaving App Mesh loses a layer: both targets admit the graph's calls with the same security-group rules,
    but App Mesh's Envoy also holds each caller to its declared virtual services and their routes (and can
    refuse anything else with DROP_ALL); Service Connect has no egress filter. The other way adds that layer."""
    if was == "app-mesh" and now != "app-mesh":
        return (f"the stack moves from App Mesh to {now}: security groups alone decide who reaches whom, Envoy no "
                "longer holds callers to their declared services and routes")
    return None


def envoy_image_weakened(was: Any, now: Any) -> Optional[str]:
    old, new = _ENVOY_IMAGE.match(str(was)), _ENVOY_IMAGE.match(str(now))
    if not old or not new:
        return "not a pinned Envoy release, so it counts as weakening"
    if old["repository"] != new["repository"]:
        return f"Envoy comes from another repository: {new['repository']}"
    if _version(new["version"]) < _version(old["version"]):
        return f"Envoy is downgraded to v{new['version']}"
    return None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _log_retention(was: Any, now: Any) -> Optional[str]:
    shorter = isinstance(was, int) and isinstance(now, int) and now < was
    return f"logs are kept {now} days instead of {was}" if shorter else None


def _deletion_protection(was: Any, now: Any) -> Optional[str]:
    return "the load balancer loses deletion protection" if was is True and now is not True else None


_JUDGES: dict[str, Callable[[Any, Any], Optional[str]]] = {
    f"{PROJECT}:topology": _not_weakening,
    f"{PROJECT}:target": _target,
    f"{PROJECT}:publicCidrs": _public_cidrs,
    f"{PROJECT}:network": _network,
    f"{PROJECT}:envoyImage": envoy_image_weakened,
    f"{PROJECT}:vpcCidr": _not_weakening,
    f"{PROJECT}:minTaskCount": _not_weakening,
    f"{PROJECT}:containerInsights": _not_weakening,
    f"{PROJECT}:logRetentionDays": _log_retention,
    f"{PROJECT}:deletionProtection": _deletion_protection,
}
