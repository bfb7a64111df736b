"""Mocks that issue real keys and certificates for pulumi-tls resources, as the provider would.

The shared mocks give pulumi-tls resources PEM-shaped placeholders. A test that starts real PostgreSQL servers
from what TelemetryStore declares needs working ones: these mocks read each resource's inputs (key algorithm,
subject, SANs, CA flag and path length, key usages, validity) and build the certificate with the
`cryptography` package the way terraform-provider-tls does, so a certificate the component asks for wrongly
(a missing SAN, a client certificate without clientAuth, a CA that may not sign) fails on the real server.
"""

from __future__ import annotations

import datetime
import ipaddress
from datetime import UTC, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockResourceArgs

from tests.components.conftest import ComponentMocks

_EXTENDED_USES = {
    "server_auth": ExtendedKeyUsageOID.SERVER_AUTH,
    "client_auth": ExtendedKeyUsageOID.CLIENT_AUTH,
}
_KEY_USES = {
    "digital_signature": "digital_signature",
    "key_encipherment": "key_encipherment",
    "cert_signing": "key_cert_sign",
    "crl_signing": "crl_sign",
}


def _plain(value: Any) -> Any:
    """An input with Pulumi's secret wrapper removed, as the provider receives it."""
    if isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig:
        return _plain(value["value"])
    return value


def _name(subject: dict[str, Any] | None) -> x509.Name:
    subject = subject or {}
    attributes = []
    if subject.get("organization"):
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, subject["organization"]))
    if subject.get("commonName"):
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, subject["commonName"]))
    return x509.Name(attributes)


def _key(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def _usages(builder: x509.CertificateBuilder, uses: list[str]) -> x509.CertificateBuilder:
    unknown = set(uses) - set(_EXTENDED_USES) - set(_KEY_USES)
    assert not unknown, f"allowed_uses the mocks do not model: {unknown}"
    flags = {flag: False for flag in _KEY_USES.values()}
    flags.update({_KEY_USES[use]: True for use in uses if use in _KEY_USES})
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
            **flags,
        ),
        critical=True,
    )
    extended = [_EXTENDED_USES[use] for use in uses if use in _EXTENDED_USES]
    if extended:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended), critical=False)
    return builder


def _sans(dns_names: list[str] | None, ip_addresses: list[str] | None) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names or []]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in ip_addresses or []]
    return names


def _sign(
    builder: x509.CertificateBuilder, inputs: dict[str, Any], signer: ec.EllipticCurvePrivateKey
) -> str:
    now = datetime.datetime.now(UTC)
    builder = builder.not_valid_before(now - timedelta(minutes=5)).not_valid_after(
        now + timedelta(hours=int(inputs["validityPeriodHours"]))
    )
    builder = builder.serial_number(x509.random_serial_number())
    is_ca = bool(inputs.get("isCaCertificate"))
    path_length = inputs.get("maxPathLength") if is_ca else None
    builder = builder.add_extension(
        x509.BasicConstraints(ca=is_ca, path_length=None if path_length is None else int(path_length)),
        critical=True,
    )
    builder = _usages(builder, list(inputs.get("allowedUses") or []))
    return builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


class RealTlsMocks(ComponentMocks):
    """The component mocks, with pulumi-tls resources answered by real keys and certificates.

    `issued` plays the stack's state: a resource issued once (by type and name) keeps its key or certificate
    on a later run, as a second `pulumi up` keeps a region's CA.
    """

    def __init__(self, issued: dict[tuple[str, str], dict[str, Any]]) -> None:
        super().__init__(preview=False)
        self.issued = issued

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Issue what a pulumi-tls resource would; everything else as the component mocks do."""
        resource_id, state = super().new_resource(args)
        if self.preview or not args.typ.startswith("tls:index/"):
            return resource_id, state
        if (args.typ, args.name) not in self.issued:
            self.issued[(args.typ, args.name)] = self._issue(args, state)
        return resource_id, {**state, **self.issued[(args.typ, args.name)]}

    def _issue(self, args: MockResourceArgs, state: dict[str, Any]) -> dict[str, Any]:
        """The outputs the provider computes for one pulumi-tls resource."""
        state = {}
        inputs = {key: _plain(value) for key, value in args.inputs.items()}
        if args.typ == "tls:index/privateKey:PrivateKey":
            assert (inputs["algorithm"], inputs["ecdsaCurve"]) == ("ECDSA", "P256")
            key = ec.generate_private_key(ec.SECP256R1())
            state["privateKeyPem"] = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            ).decode()
            state["publicKeyPem"] = (
                key.public_key()
                .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
                .decode()
            )
        elif args.typ == "tls:index/selfSignedCert:SelfSignedCert":
            key = _key(inputs["privateKeyPem"])
            subject = _name(inputs.get("subject"))
            builder = x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            builder = builder.public_key(key.public_key())
            sans = _sans(inputs.get("dnsNames"), inputs.get("ipAddresses"))
            if sans:
                builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
            if inputs.get("setSubjectKeyId"):
                builder = builder.add_extension(
                    x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
                )
            state["certPem"] = _sign(builder, inputs, key)
        elif args.typ == "tls:index/certRequest:CertRequest":
            key = _key(inputs["privateKeyPem"])
            request_builder = x509.CertificateSigningRequestBuilder().subject_name(
                _name(inputs.get("subject"))
            )
            sans = _sans(inputs.get("dnsNames"), inputs.get("ipAddresses"))
            if sans:
                request_builder = request_builder.add_extension(
                    x509.SubjectAlternativeName(sans), critical=False
                )
            state["certRequestPem"] = (
                request_builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
            )
        elif args.typ == "tls:index/locallySignedCert:LocallySignedCert":
            request = x509.load_pem_x509_csr(inputs["certRequestPem"].encode())
            authority = x509.load_pem_x509_certificate(inputs["caCertPem"].encode())
            builder = x509.CertificateBuilder().subject_name(request.subject).issuer_name(authority.subject)
            builder = builder.public_key(request.public_key())
            for extension in request.extensions:
                builder = builder.add_extension(extension.value, critical=extension.critical)
            state["certPem"] = _sign(builder, inputs, _key(inputs["caPrivateKeyPem"]))
        return state
