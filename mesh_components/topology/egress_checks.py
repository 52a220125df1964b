"""Checks of `egress`: each entry names exactly one destination, written so that it means one thing.

A `cidr` is an IPv4 network address (host bits refused, not silently masked) no wider than /8: the
mesh's VPC is IPv4 only, and a range wider than /8 is most of the internet, not a destination (0.0.0.0/0
included: on App Mesh it would take every connection, the mesh's own calls too, around Envoy). Nor may
it touch link-local or loopback addresses (the task metadata endpoints and the routers' placeholder
address live there). A port is always given, so no entry opens every port.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from . import limits
from .check_support import exactly_one
from .egress import Egress
from .errors import Problem
from .model import Topology

DESTINATIONS = ("host", "cidr", "prefix_list")
CIDR_PREFIX_MIN = 8
NEVER_LEAVING = tuple(ipaddress.ip_network(text) for text in ("169.254.0.0/16", "127.0.0.0/8"))


def check_egress(topology: Topology) -> Iterator[Problem]:
    for name, color in topology.colors.items():
        first_at: dict[tuple, int] = {}
        for index, entry in enumerate(color.egress):
            path = ("colors", name, "egress", index)
            destination = list(exactly_one(entry, DESTINATIONS, path, "an egress entry"))
            if destination:
                yield from destination
                continue
            yield from _destination_problems(entry, topology.mesh.namespace, path + (entry.kind,))
            if entry.kind != "host" and entry.protocol != "tcp":
                yield Problem(f"a {entry.kind} is reached as plain tcp (no proxy speaks {entry.protocol} to it); "
                              "write protocol: tcp or leave it out", path=path + ("protocol",))
            key = (entry.kind, entry.destination, entry.port)
            if key in first_at:
                yield Problem(f"{entry} is already listed as egress[{first_at[key]}]; list each destination once",
                              path=path)
            first_at.setdefault(key, index)


def _destination_problems(entry: Egress, namespace: str, path: tuple) -> Iterator[Problem]:
    if entry.host is not None:
        problem = host_problem(entry.host, namespace)
    elif entry.cidr is not None:
        problem = cidr_problem(entry.cidr)
    else:
        problem = None if limits.PREFIX_LIST_ID.fullmatch(entry.prefix_list) else \
            f"{entry.prefix_list!r} is not a managed prefix list id; write one like pl-0123456789abcdef0"
    if problem:
        yield Problem(problem, path=path)


def host_problem(host: str, namespace: str) -> str | None:
    labels = host.split(".")
    if len(host) > limits.HOSTNAME_MAX or len(labels) < 2 or \
            not all(limits.EGRESS_HOST_LABEL.fullmatch(label) for label in labels):
        return f"invalid host {host!r}; allowed: {limits.EGRESS_HOST_RULE}"
    if labels[-1].isdigit():
        return f"{host!r} is an address, not a name; write it as cidr: {host}/32"
    if host == namespace or host.endswith(f".{namespace}"):
        return (f"{host!r} is a name in the mesh's namespace {namespace}; egress is for destinations outside "
                "the mesh: list mesh services in backends")
    return None


def cidr_problem(text: str) -> str | None:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return f"{text!r} is not a network; write an IPv4 network like 10.20.0.0/16 (one address: 10.20.0.5/32)"
    if network.version != 4:
        return f"{text!r} is IPv6, and the mesh's VPC is IPv4 only; write an IPv4 network"
    if str(network) != text:
        return f"{text!r} has host bits set; write the network address {network}"
    if network.prefixlen < CIDR_PREFIX_MIN:
        return (f"{text} is wider than /{CIDR_PREFIX_MIN}, most of the internet rather than a destination; "
                "write the destination's own network, or a host")
    touched = [str(other) for other in NEVER_LEAVING if network.overlaps(other)]
    if touched:
        return (f"{text} overlaps {', '.join(touched)} (link-local and loopback addresses: the task metadata "
                "endpoints and the routers' placeholder address), which egress may not name")
    return None


EGRESS_CHECKS = (check_egress,)
