"""Which reviewed EKS add-on an `aws:eks/addon:Addon` installs, and whether the review covers it.

An add-on is recognised by its `addonName` (`residency_facts/addons.py`). The review relieves it of the
opaque rule (naming or depending on the cluster that holds resident data is no copy) only when its
configuration can be read: `configurationValues` unknown at preview may name any place, so it fails closed.
The places a reviewed add-on's inputs name (a region, a host outside AWS, a role of another account) are
still judged by `triaged` (reviewer blind-compliant16 c09).
"""

from __future__ import annotations

from residency_facts.addons import ADDONS_BY_NAME, ReviewedAddon

from .model import Resource
from .values import Unknown, child

ADDON = "aws:eks/addon:Addon"


def reviewed_addon(resource: Resource) -> ReviewedAddon | None:
    """The reviewed add-on an EKS add-on resource installs, by its name; None for any other resource or
    name (an unknown or unreviewed one)."""
    if resource.type != ADDON:
        return None
    name = child(resource.props, "addonName")
    return ADDONS_BY_NAME.get(name.strip()) if isinstance(name, str) else None


def addon_gaps(resource: Resource) -> list[str]:
    """Why the review of its add-on does not cover an add-on resource (empty: it does)."""
    if isinstance(child(resource.props, "configurationValues"), Unknown):
        return [
            "its configurationValues are unknown at preview (write them from literal values, "
            "json.dumps of a dict, so that the places they name can be judged)"
        ]
    return []
