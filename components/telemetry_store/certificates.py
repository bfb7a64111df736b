"""TelemetryCertificates: the region's telemetry CA and the certificates it issues (pulumi-tls).

One CA per region. Its private key exists only in this stack's (encrypted) state: it signs here and is never
written to a Kubernetes object or an output. Its certificate is public: exported as `telemetryCaCertificate`,
it is the one thing the peer stack copies (its `residency:peer.caCertificate`), and it is what every client in
this region verifies the servers against. The CA issues:

- a server certificate for the store, naming its Service's in-cluster DNS names (the Jobs, the CronJob and the
  writers connect with `sslmode=verify-full`);
- a server certificate for the exchange, naming its in-cluster names and `*.elb.<region>.<dns suffix>`: the
  replication endpoint's hostname, which the peer's store verifies (verify-full) when it pushes. The load
  balancer controller names an internal NLB `<name>-<id>.elb.<region>.amazonaws.com`, known only once it
  exists; a certificate that waited for that name would deadlock the first `pulumi up` (the Service waits for
  ready pods, the pods for their certificate). The wildcard matches one label in that domain only, and only a
  server holding the exchange's key (issued by this CA alone, which the peer trusts for nothing else) can
  present it;
- the client certificate the store pushes into the peer's inbox with: common name `telemetry_inbox_<region>`,
  the role the peer's pg_hba.conf admits by `cert` from this region's VPC;
- per writing service, a client certificate with common name `writer_role(service)` =
  `telemetry_writer_<service>`, the role the store's pg_hba.conf admits by `cert` (the store's `ssl_ca_file`
  is this CA, so only this CA's certificates pass; the peer's CA is not on that list). It goes into a
  `kubernetes.io/tls` Secret `<name>-writer-<service>-tls` in each writer namespace (tls.crt, tls.key and
  ca.crt); the service mounts it with mode 0600 and connects with the conninfo from
  `<name>-writer-connection`.

Keys are ECDSA P-256. Leaf certificates are valid for two years and re-issued by any `pulumi up` in their
last 90 days (`early_renewal_hours`); the CA for ten years (re-issuing it means the peer copies it again).
The Secrets that carry them into the pods (the servers' keys, the client key and the peer's CA certificate)
are built here; the pods mount them with mode 0600 (server.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s
import pulumi_tls as tls

from components import telemetry_sql
from components.telemetry_store.args import TelemetryStoreArgs
from components.telemetry_store.common import PART_OF, StorePart, metadata
from residency_facts import CLASSIFICATION_TAG, Classification

INTERNAL = Classification.INTERNAL.value

KEY_ALGORITHM = "ECDSA"
KEY_CURVE = "P256"
CA_VALIDITY_HOURS = 10 * 365 * 24
LEAF_VALIDITY_HOURS = 2 * 365 * 24
LEAF_EARLY_RENEWAL_HOURS = 90 * 24
"""A `pulumi up` in a leaf certificate's last 90 days issues a new one; the pod then restarts with it."""

SERVER_USES = ("digital_signature", "key_encipherment", "server_auth")
CLIENT_USES = ("digital_signature", "key_encipherment", "client_auth")

SERVER_CERTIFICATE = "server.crt"
SERVER_KEY = "server.key"
CLIENT_CERTIFICATE = "client.crt"
CLIENT_KEY = "client.key"
PEER_CA_CERTIFICATE = "peer-ca.crt"
CA_CERTIFICATE = "ca.crt"
WRITER_CERTIFICATE = "tls.crt"
WRITER_KEY = "tls.key"
"""A writer's files in its `kubernetes.io/tls` Secret, beside CA_CERTIFICATE."""
KEY_FILES = frozenset({SERVER_KEY, CLIENT_KEY})
"""The files a pod must mount readable by the postgres user only (PostgreSQL and libpq refuse others)."""


def service_dns_names(service: str, namespace: pulumi.Input[str]) -> list[pulumi.Output[str]]:
    """The names a pod in the cluster reaches a Service by, as a server certificate must list them."""
    namespace_output = pulumi.Output.from_input(namespace)
    return [
        pulumi.Output.concat(service, ".", namespace_output, ".svc.cluster.local"),
        pulumi.Output.concat(service, ".", namespace_output, ".svc"),
        pulumi.Output.concat(service, ".", namespace_output),
    ]


def writer_object_name(service: str) -> str:
    """A writing service's label as a Kubernetes name part (its `_` become `-`; labels hold no `-`)."""
    return service.replace("_", "-")


@dataclass(frozen=True)
class ServerTls:
    """What one server's pod mounts: the Secret, the files in it, and a digest that changes with them."""

    secret_name: pulumi.Output[str]
    files: tuple[str, ...]
    """The Secret's keys, mounted as files of the same name."""
    digest: pulumi.Output[str]
    """SHA-256 over the certificates (no key): a pod template annotation, so a renewal restarts the server."""


class TelemetryCertificates(StorePart):
    """The region's telemetry CA, the servers' and the push's certificates, and the Secrets carrying them."""

    ca_certificate: pulumi.Output[str]
    """The CA certificate (PEM, public): what this region's clients verify against, what the peer copies."""
    ca_config_map_name: pulumi.Output[str]
    """A ConfigMap in the telemetry namespace with the CA certificate, for the Jobs and the CronJob."""
    store: ServerTls
    exchange: ServerTls
    writer_secret_names: dict[str, pulumi.Output[str]]
    """Writing service -> the name of its certificate's Secret (the same in every writer namespace)."""

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: TelemetryStoreArgs,
        replication_domain: pulumi.Input[str],
    ) -> None:
        super().__init__("TelemetryCertificates", f"{prefix}-certificates", owner, prefix, args)
        self._build(replication_domain)
        self.register_outputs({"ca_certificate": self.ca_certificate})

    def _build(self, replication_domain: pulumi.Input[str]) -> None:
        args, name = self._args, self._prefix
        ca_key = self._key("ca")
        ca = tls.SelfSignedCert(
            f"{name}-ca",
            private_key_pem=ca_key.private_key_pem,
            is_ca_certificate=True,
            # Leaves only: the CA signs no intermediate that could issue in its name.
            max_path_length=0,
            set_subject_key_id=True,
            subject=tls.SelfSignedCertSubjectArgs(
                common_name=f"telemetry CA {args.region}", organization="residency"
            ),
            allowed_uses=["cert_signing", "crl_signing"],
            validity_period_hours=CA_VALIDITY_HOURS,
            opts=self._new_opts(),
        )
        self.ca_certificate = ca.cert_pem
        namespace = args.namespace
        store_names = service_dns_names(f"{name}-store", namespace)
        exchange_names = [
            *service_dns_names(f"{name}-exchange", namespace),
            pulumi.Output.concat("*.", replication_domain),
        ]
        store_certificate, store_key = self._leaf(
            ca, ca_key, "store", f"{name}-store", store_names, SERVER_USES
        )
        exchange_certificate, exchange_key = self._leaf(
            ca, ca_key, "exchange", f"{name}-exchange", exchange_names, SERVER_USES
        )
        client_certificate, client_key = self._leaf(
            ca, ca_key, "client", telemetry_sql.inbox_role(args.region), [], CLIENT_USES
        )
        peer_ca: dict[str, pulumi.Input[str]] = (
            {PEER_CA_CERTIFICATE: args.peer_ca_certificate} if args.peer_ca_certificate is not None else {}
        )
        self.store = self._server_secret(
            "store",
            {
                SERVER_CERTIFICATE: store_certificate,
                SERVER_KEY: store_key,
                CLIENT_CERTIFICATE: client_certificate,
                CLIENT_KEY: client_key,
                # The store's ssl_ca_file: the writers' client certificates must chain to this CA alone.
                CA_CERTIFICATE: self.ca_certificate,
                **peer_ca,
            },
        )
        self.writer_secret_names = {
            service: self._writer_secret(
                service,
                *self._leaf(
                    ca, ca_key, f"writer-{service}", telemetry_sql.writer_role(service), [], CLIENT_USES
                ),
            )
            for service in args.writers
        }
        self.exchange = self._server_secret(
            "exchange", {SERVER_CERTIFICATE: exchange_certificate, SERVER_KEY: exchange_key, **peer_ca}
        )
        ca_config_map = k8s.core.v1.ConfigMap(
            f"{name}-ca",
            metadata=self._metadata(
                f"{name}-ca", {**PART_OF, CLASSIFICATION_TAG: Classification.INTERNAL.value}
            ),
            data={CA_CERTIFICATE: self.ca_certificate},
            opts=self._new_opts(),
        )
        self.ca_config_map_name = ca_config_map.metadata.name

    def _key(self, purpose: str) -> tls.PrivateKey:
        """A private key, generated at deploy time and kept only as a secret in this stack's state."""
        return tls.PrivateKey(
            f"{self._prefix}-{purpose}-key",
            algorithm=KEY_ALGORITHM,
            ecdsa_curve=KEY_CURVE,
            opts=self._new_opts(),
        )

    def _leaf(
        self,
        ca: tls.SelfSignedCert,
        ca_key: tls.PrivateKey,
        purpose: str,
        common_name: str,
        dns_names: Sequence[pulumi.Input[str]],
        uses: Sequence[str],
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """A certificate signed by the region's CA and its key (the key a secret output)."""
        key = self._key(purpose)
        request = tls.CertRequest(
            f"{self._prefix}-{purpose}-certificate-request",
            private_key_pem=key.private_key_pem,
            subject=tls.CertRequestSubjectArgs(common_name=common_name, organization="residency"),
            dns_names=list(dns_names) or None,
            opts=self._new_opts(),
        )
        certificate = tls.LocallySignedCert(
            f"{self._prefix}-{purpose}-certificate",
            cert_request_pem=request.cert_request_pem,
            ca_private_key_pem=ca_key.private_key_pem,
            ca_cert_pem=ca.cert_pem,
            allowed_uses=list(uses),
            validity_period_hours=LEAF_VALIDITY_HOURS,
            early_renewal_hours=LEAF_EARLY_RENEWAL_HOURS,
            opts=self._new_opts(),
        )
        return certificate.cert_pem, pulumi.Output.secret(key.private_key_pem)

    def _writer_secret(
        self, service: str, certificate: pulumi.Output[str], key: pulumi.Output[str]
    ) -> pulumi.Output[str]:
        """The Secret one service logs in to the store with, in each writer namespace; returns its name."""
        object_name = f"{self._prefix}-writer-{writer_object_name(service)}-tls"
        names = []
        for index, namespace in enumerate(self._args.writer_namespaces):
            secret = k8s.core.v1.Secret(
                object_name if index == 0 else f"{object_name}-{index}",
                metadata=metadata(
                    namespace,
                    object_name,
                    {**PART_OF, "app.kubernetes.io/component": "writer", CLASSIFICATION_TAG: INTERNAL},
                ),
                type="kubernetes.io/tls",
                string_data={
                    WRITER_CERTIFICATE: certificate,
                    WRITER_KEY: key,
                    CA_CERTIFICATE: self.ca_certificate,
                },
                opts=self._new_opts(),
            )
            names.append(secret.metadata.name)
        return names[0]

    def _server_secret(self, server: str, files: Mapping[str, pulumi.Input[str]]) -> ServerTls:
        """The Secret a server's pod mounts its TLS files from."""
        object_name = f"{self._prefix}-{server}-tls"
        secret = k8s.core.v1.Secret(
            object_name,
            metadata=self._metadata(
                object_name, {**PART_OF, CLASSIFICATION_TAG: Classification.INTERNAL.value}
            ),
            type="Opaque",
            string_data=dict(files),
            opts=self._new_opts(),
        )
        certificates = [files[key] for key in sorted(files) if key not in KEY_FILES]
        digest = pulumi.Output.all(*certificates).apply(
            lambda values: hashlib.sha256("".join(str(v) for v in values).encode()).hexdigest()
        )
        return ServerTls(secret_name=secret.metadata.name, files=tuple(files), digest=digest)
