"""The profile's ``network`` section: a public host and the ports its security group must keep
closed to the internet (database, cache, internal service ports)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Network(Strict):
    host: str = Field(min_length=1,
        description="the public host name (or address) clients reach, e.g. api.example.com")
    closed_ports: list[int] = Field(min_length=1,
        description="a YAML list, or one env value \"5432,6379,5001-5012\" (ranges inclusive)")
    open_ports: list[int] = Field(default_factory=lambda: [443], min_length=1,
        description="ports that must answer (HTTPS): proves the host is the right one and reachable, so refused "
                    "or silent closed ports mean closed, not \"nothing there at all\"")
    connect_timeout_s: float = Field(default=2.0, gt=0, le=10,
        description="a security group that drops packets makes the connect wait: keep each attempt short")

    # the schema editors see: a list, or the text of one env value (parsed below)
    @field_validator("closed_ports", "open_ports", mode="before", json_schema_input_type=list[int] | str)
    @classmethod
    def _ports_from_text(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        ports: list[int] = []
        for part in (piece.strip() for piece in value.split(",")):
            if not part:
                continue
            first, _, last = part.partition("-")
            try:
                low, high = int(first), int(last or first)
            except ValueError:
                raise ValueError(f"{part!r} is not a port or a range like 5001-5012") from None
            if low > high:
                raise ValueError(f"{part!r}: the range runs backwards")
            ports.extend(range(low, high + 1))
        return ports

    @field_validator("closed_ports", "open_ports")
    @classmethod
    def _ports_in_range(cls, ports: list[int]) -> list[int]:
        bad = [port for port in ports if not 0 < port < 65536]
        if bad:
            raise ValueError(f"not TCP ports: {bad}")
        return ports
