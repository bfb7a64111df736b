"""Whether a key is the stack's own: customer-managed, single-region, in the data's region and accounts.

pii-encryption asks this of every key a PII store names (`key_problems`): a key of the stack, followed
through its aliases, must not be a multi-region key or a replica, must keep its material in KMS or in a
CloudHSM key store of the stack in the data's region, and must be in one of the deployment's accounts. A
literal ARN of a key the stack does not declare cannot be told from an AWS-managed key's (decision: see
policies/README.md, "Literals a first preview cannot match").
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from .attributes import STACK_ACCOUNT, account_of, effective_region, parse_arn
from .lineage import KMS_KEY_TYPES
from .model import Resource, Stack
from .values import Unknown, as_bool, child, is_set, value_at

KMS_ALIAS = "aws:kms/alias:Alias"
CUSTOM_KEY_STORE = "aws:kms/customKeyStore:CustomKeyStore"
ACCOUNTS: ContextVar[frozenset[str]] = ContextVar("accounts", default=frozenset())
"""The deployment's accounts, for the key checks (a key in another account is not the stack's key)."""


def key_problems(stack: Stack, resource: Resource, path: str, region: Any) -> list[str]:
    """Why the key an input names is not customer-managed, single-region and in `region` (empty if it is)."""
    keys = [d for d in stack.dependencies(resource, path) if d.type in KMS_KEY_TYPES or d.type == KMS_ALIAS]
    if keys:
        return [problem for key in keys for problem in key_resource_problems(stack, key, region, set())]
    return literal_key_problems(stack, value_at(resource.props, path), region)


EBS_DEFAULT_KEY = "aws:ebs/defaultKmsKey:DefaultKmsKey"
EBS_ENCRYPTION_BY_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"


def volume_key_problems(stack: Stack, resource: Resource, path: str, region: Any) -> list[str]:
    """`key_problems` for an EBS volume's key: one that names none is encrypted with the account's EBS default
    key, which counts as the stack's when the stack sets it (`DefaultKmsKey`, with `EncryptionByDefault`
    enabled) in the volume's own region and account (decision: policies/README.md)."""
    named = stack.dependencies(resource, path)
    if is_set(value_at(resource.props, path)) or any(
        d.type in KMS_KEY_TYPES or d.type == KMS_ALIAS for d in named
    ):
        return key_problems(stack, resource, path, region)
    by_default = account_default_key_problems(
        stack, effective_region(resource, stack), account_of(resource, stack), region
    )
    return key_problems(stack, resource, path, region) if by_default is None else by_default


def account_default_key_problems(
    stack: Stack, where: Any, account: str | None, region: Any
) -> list[str] | None:
    """Why the EBS default key the stack sets for the account and region new volumes are created in (`where`,
    `account`) is not the stack's own key in the data's `region` (empty: it is); None when the stack does not
    set both the default key and encryption by default there (each under an AWS provider of that region and
    account), so a volume that names no key gets AWS's `aws/ebs` or a key set outside the stack. EC2 then
    encrypts every new volume there with that key (EnableEbsEncryptionByDefault: "the EBS volumes that you
    create are always encrypted, either using the default KMS key or the KMS key that you specified")."""
    if not isinstance(where, str) or account is None:
        return None

    def there(setting: Resource) -> bool:
        return effective_region(setting, stack) == where and account_of(setting, stack) == account

    defaults = [k for k in stack.of_type(EBS_DEFAULT_KEY) if there(k)]
    enabled = [
        e
        for e in stack.of_type(EBS_ENCRYPTION_BY_DEFAULT)
        if as_bool(child(e.props, "enabled")) is not False and there(e)
    ]
    if not defaults or not enabled:
        return None
    return [
        f"the account's EBS default key ({default.label}) keyArn: {problem}"
        for default in defaults
        for problem in key_problems(stack, default, "keyArn", region)
    ]


def key_resource_problems(stack: Stack, key: Resource, region: Any, seen: set[str]) -> list[str]:
    """Why a key of the stack (or an alias of one) is not customer-managed, single-region and in `region`."""
    if key.urn in seen:
        return []
    seen.add(key.urn)
    if key.type == KMS_ALIAS:
        targets = [d for d in stack.dependencies(key, "targetKeyId") if d.type in KMS_KEY_TYPES]
        if targets:
            return [p for target in targets for p in key_resource_problems(stack, target, region, seen)]
        return literal_key_problems(stack, child(key.props, "targetKeyId"), region)
    if key.type in ("aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"):
        return [f"{key.label} is a replica of a multi-region key"]
    found = []
    multi_region = as_bool(child(key.props, "multiRegion"))
    if multi_region is True or isinstance(multi_region, Unknown):
        found.append(f"{key.label} is {'possibly ' if multi_region is not True else ''}a multi-region key")
    found.extend(_key_store_problems(stack, key, region))
    key_account = account_of(key)
    if key_account != STACK_ACCOUNT and key_account not in ACCOUNTS.get():
        where = "an untraceable account" if key_account is None else f"account {key_account}"
        found.append(f"{key.label} is in {where}, not in this deployment's accounts")
    key_region = effective_region(key, stack)
    if not isinstance(key_region, str) or not isinstance(region, str):
        found.append(f"{key.label} cannot be shown to be in the data's region")
    elif key_region != region:
        found.append(f"{key.label} is in {key_region}, not in the data's region {region}")
    return found


def _key_store_problems(stack: Stack, key: Resource, region: Any) -> list[str]:
    """Where a key's material lives: in KMS, or in a custom key store, which must be a CloudHSM cluster of
    the stack in the data's region. An external key store (XKS) holds the material outside AWS, with
    whoever runs its proxy, wherever that is; a store the stack does not declare cannot be shown otherwise."""
    if not is_set(child(key.props, "customKeyStoreId")):
        return []
    stores = [d for d in stack.dependencies(key, "customKeyStoreId") if d.type == CUSTOM_KEY_STORE]
    if not stores:
        return [
            f"{key.label} keeps its key material in a custom key store this stack does not declare "
            f"({child(key.props, 'customKeyStoreId')!r}), which may be an external key store outside AWS"
        ]
    found = []
    for store in stores:
        kind = child(store.props, "customKeyStoreType")
        if kind is None:
            kind = "AWS_CLOUDHSM"
        if kind != "AWS_CLOUDHSM":
            shown = "unknown at preview" if isinstance(kind, Unknown) else kind
            found.append(
                f"{key.label} keeps its key material in {store.label} (customKeyStoreType {shown}), outside "
                "AWS KMS and the data's region: an external key store's proxy decides where the key lives"
            )
        store_region = effective_region(store, stack)
        if isinstance(store_region, str) and isinstance(region, str) and store_region != region:
            found.append(f"{key.label} keeps its key material in {store.label}, in {store_region}")
    return found


def literal_key_problems(stack: Stack, value: Any, region: Any) -> list[str]:
    """Why a key named by a literal (an ARN, an id, an alias) cannot be shown to be the stack's own."""
    if value is None or value == "":
        return ["no customer-managed key is set (the AWS-managed default key applies)"]
    if isinstance(value, Unknown):
        return ["the key is unknown at preview and cannot be traced to a key declared in this stack"]
    text = str(value)
    if "alias/aws/" in text:
        return [f"{text} is an AWS-managed key, not a customer-managed one"]
    arn = parse_arn(text)
    name = arn.resource if arn else text
    if name.startswith("alias/"):
        # An alias ARN names its region and account: the stack's alias of that name elsewhere is another.
        aliases = [
            a
            for a in stack.of_type(KMS_ALIAS)
            if child(a.props, "name") == name
            and (arn is None or _alias_at(stack, a, arn.region, arn.account))
        ]
        if aliases:
            return [p for alias in aliases for p in key_resource_problems(stack, alias, region, set())]
        return [
            f"{text} is an alias that cannot be traced to a key, so it cannot be shown to be single-region"
        ]
    keys = [k for k in stack.named(text) if k.type in KMS_KEY_TYPES or k.type == KMS_ALIAS]
    if keys:
        return [p for key in keys for p in key_resource_problems(stack, key, region, set())]
    found = []
    if arn is not None and arn.account and arn.account not in ACCOUNTS.get():
        found.append(f"{text} is a key of account {arn.account}, not of this deployment's accounts")
    key_id = name.removeprefix("key/")
    if key_id.startswith("mrk-"):
        found.append(f"{text} is a multi-region key")
    if arn is not None and isinstance(region, str) and arn.region != region:
        found.append(f"{text} is in {arn.region}, not in the data's region {region}")
    if not found:
        # An AWS-managed key (aws/rds, aws/s3) has an ARN of the same form: only its alias, which the
        # literal does not show, tells it from a customer-managed key adopted from before the stack.
        found.append(
            f"{text} is not a key this stack declares, so it cannot be shown to be customer-managed (an "
            "AWS-managed key's ARN looks the same); declare the key in the stack, or adopt the existing one "
            "with the import resource option, and pass key.arn"
        )
    return found


def _alias_at(stack: Stack, alias: Resource, region: str, account: str) -> bool:
    """Whether the stack's alias is in the region and account an ARN names."""
    alias_account = account_of(alias)
    in_account = alias_account == account or (alias_account == STACK_ACCOUNT and account in ACCOUNTS.get())
    return in_account and effective_region(alias, stack) == region
