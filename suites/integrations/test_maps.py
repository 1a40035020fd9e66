"""Google Maps with the configured key: a known address geocodes to where it is."""

from golive import check, expect
from golive.probes.providers import evaluate_geocode
from golive.providers.maps import MapsClient


@check("INT-MAPS-001", "Google Maps geocodes a known address with the configured key", items=["realserv:TEST-INT-05"])
def test_geocode_known_address(http, maps_config):
    response = MapsClient(http, maps_config).geocode()
    expect.status(response, 200, "the Geocoding API does not answer")
    expect.no_findings(evaluate_geocode(expect.json_body(response, "the geocode"), maps_config.latitude,
                                        maps_config.longitude, maps_config.tolerance_km),
                       f"{maps_config.address!r} does not geocode", where=expect.where(response))
