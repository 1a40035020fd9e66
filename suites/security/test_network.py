"""Security groups: the public host answers on its HTTPS port and nowhere it must not (database,
Redis, internal service ports). One bounded TCP connect per port; nothing is sent."""

from golive import check, expect
from golive.outcomes import TargetUnreachable
from golive.probes.network import evaluate_closed_ports, probe_ports, unanswered


@check("SEC-NET-001", "Public host accepts no connections on database, cache or service ports",
       items=["realserv:SEC-NET-03"])
def test_security_groups_restrict_inbound(network_policy):
    host, timeout_s = network_policy.host, network_policy.connect_timeout_s
    silent = unanswered(probe_ports(host, network_policy.open_ports, timeout_s))
    if silent:  # a wrong or unreachable host would make every port look closed
        raise TargetUnreachable(f"{host} does not accept connections on its public port(s) "
                                f"{[state.port for state in silent]}: closed ports would prove nothing")
    states = probe_ports(host, network_policy.closed_ports, timeout_s)
    expect.no_findings(evaluate_closed_ports(host, states), f"{host} is open on ports that must be closed",
                       where=f"TCP connect to {host} ports {network_policy.closed_ports} "
                             f"(timeout {timeout_s} s each)")
