"""cert-manager's issuers and certificates are neutral (reviewer blind-k8s12, c04).

A Route 53 DNS-01 ClusterIssuer names `dns01.route53.region: us-east-1`: the API endpoint of a global
service, where cert-manager writes a TXT record; an issuer sends certificate requests (public keys and DNS
names) to its CA, and a Certificate's Secret holds a key pair. Nothing personal is copied: the compliant
stack was refused as an untriaged kind naming a region outside the EU.
"""

from __future__ import annotations

from tests.policies.baseline import eu_region
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import messages, violations_of_every_rule

CERT_MANAGER = "cert-manager.io/v1"


def test_a_route53_issuer_naming_us_east_1_and_its_certificate_are_neutral() -> None:
    region = eu_region()
    solver = {"dns01": {"route53": {"region": "us-east-1", "hostedZoneID": "Z0123456789ABCDEFGHIJ"}}}
    acme = {
        "server": "https://acme-v02.api.letsencrypt.org/directory",
        "email": "platform@example.com",
        "privateKeySecretRef": {"name": "letsencrypt-account"},
        "solvers": [solver],
    }
    resources = [
        *region.resources,
        custom_resource(region, CERT_MANAGER, "ClusterIssuer", "letsencrypt", {"acme": acme}, namespace=None),
        custom_resource(region, CERT_MANAGER, "Issuer", "letsencrypt-app", {"acme": acme}),
        custom_resource(
            region,
            CERT_MANAGER,
            "Certificate",
            "api-tls",
            {
                "secretName": "api-tls",
                "dnsNames": ["eu.app.example.com"],
                "issuerRef": {"kind": "ClusterIssuer", "name": "letsencrypt"},
            },
        ),
    ]
    found = violations_of_every_rule(resources)
    assert found == [], messages(found)
