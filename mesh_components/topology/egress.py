"""Destinations outside the mesh a color may reach: a DNS name, an IPv4 network or a managed prefix list,
each on one port.

The model holds what was written; `egress_checks` holds the grammar (exactly one destination, a host
name, a network address, a prefix-list id) and what no target can honour. How a destination is
enforced is each target's: App Mesh keeps DROP_ALL and lets Envoy reach a host through an external
virtual node, and lets an address range bypass Envoy; Service Connect has only security groups.
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from .listeners import Protocol
from .spec import NonEmptyStr, Port, Spec


class Egress(Spec):
    """One destination: exactly one of `host`, `cidr`, `prefix_list`, and the port it is reached on."""

    host: Optional[NonEmptyStr] = Field(
        default=None, description="DNS name outside the mesh, e.g. db.example.com (App Mesh: reached through Envoy).")
    cidr: Optional[NonEmptyStr] = Field(
        default=None, description="IPv4 network, e.g. 10.20.0.0/16 (App Mesh: reached around Envoy).")
    prefix_list: Optional[NonEmptyStr] = Field(
        default=None, description="Managed prefix list id pl-... (Service Connect only).")
    port: Port
    protocol: Protocol = Field(
        default="tcp", description="tcp (the application speaks TLS or its own protocol), or http, http2, grpc "
                                   "for a host Envoy may speak to in plain text; a cidr or prefix_list is tcp.")

    @property
    def kind(self) -> str:
        return self.given("host", "cidr", "prefix_list")[0]

    @property
    def destination(self) -> str:
        return getattr(self, self.kind)

    def __str__(self) -> str:
        return f"{self.destination}:{self.port}"
