"""The AWS credentials a process's own configuration gives the AWS SDKs, whatever role its pod runs as.

An SDK's default credential chain reads environment variables and the shared config and credentials files
before the container credentials that IRSA or EKS Pod Identity provide (docs.aws.amazon.com/sdkref/latest/
guide/standardized-credentials.html: "Assume role with web identity", "AWS access keys", "Container
credential provider"). A pod that sets them itself acts in the account they name, whatever its service
account's role (`residency_policies/workload_credentials.py`).
"""

from __future__ import annotations

ROLE_VARIABLE = "AWS_ROLE_ARN"
"""The role the SDK assumes with the web identity token of AWS_WEB_IDENTITY_TOKEN_FILE (what IRSA's webhook
sets from the ServiceAccount annotation; a pod may set both itself, with a projected token)."""

STATIC_KEY_VARIABLES = ("AWS_ACCESS_KEY_ID",)
"""Static keys (with AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): whose account they are cannot be read from a
key id, so the account cannot be traced unless the stack's own access key computes them."""

CONTAINER_CREDENTIAL_VARIABLES = ("AWS_CONTAINER_CREDENTIALS_FULL_URI",)
"""An endpoint the SDK fetches credentials from: EKS Pod Identity's agent (whose association the pack reads)
or any other server, whose credentials' account cannot be traced."""

POD_IDENTITY_AGENT_HOSTS = ("169.254.170.23", "[fd00:ec2::23]", "fd00:ec2::23")
"""The EKS Pod Identity agent's addresses (docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html):
credentials from it are the Pod Identity association's."""

SHARED_CONFIG_ROLE = r"(?im)^\s*role_arn\s*=\s*(\S+)"
"""A profile's `role_arn` in a shared config file (`~/.aws/config`, AWS_CONFIG_FILE) the pod mounts."""

SHARED_CONFIG_UNTRACEABLE = r"(?im)^\s*(aws_access_key_id|credential_process)\s*="
"""A profile's static key or external credential process: credentials of an account the pack cannot trace."""

KUBECONFIG_AWS_COMMANDS = ("aws", "aws-iam-authenticator")
"""The exec plugins of a kubeconfig user that get an EKS token with AWS credentials (`aws eks get-token`,
`aws-iam-authenticator token`): the deployment's own, unless their arguments or environment name others."""

KUBECONFIG_ROLE_FLAGS = ("--role-arn", "--role", "-r")
"""The exec arguments that name the role the token is got as (`aws eks get-token --role-arn`,
`aws-iam-authenticator token -r`): the cluster is reached as a principal of that role's account."""

KUBECONFIG_PROFILE_FLAGS = ("--profile",)
"""The exec argument that takes credentials from a named profile of the runner's shared config: whose account
it is in, nothing in the program says."""

KUBECONFIG_OWN_CREDENTIAL_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)
"""An exec plugin's environment that gives it credentials other than the deployment's (a profile, static keys,
shared files, a credentials endpoint, a web identity): an account that cannot be traced, unless
`ROLE_VARIABLE` or a role flag names the role they are used as."""

KUBECONFIG_OWN_CREDENTIAL_FIELDS = (
    "token",
    "tokenFile",
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "username",
    "password",
    "auth-provider",
)
"""A kubeconfig user's credentials that are not AWS credentials (a bearer token, a client certificate, a
password, another cloud's auth provider): whose cluster they open, and in which account, cannot be traced."""
