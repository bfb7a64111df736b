"""The base of the child components that give one concern of a public component its own room.

A child is parented to its public component (the owner) and named from it, as Pulumi's component guidelines
ask. The resources it declares were declared by the owner directly before the owner was split; they keep the
names they had, and each carries an alias naming the owner as its former parent, so a deployed stack finds
every one of them under its recorded URN and `pulumi up` replaces nothing (tests/test_deployed_urns.py).
"""

from __future__ import annotations

from typing import Any

import pulumi


class ChildComponent(pulumi.ComponentResource):
    """One concern of a public component, parented to it; its resources keep the URNs they had under it."""

    def __init__(self, type_token: str, name: str, owner: pulumi.ComponentResource, prefix: str) -> None:
        super().__init__(type_token, name, None, pulumi.ResourceOptions(parent=owner))
        self._owner = owner
        self._prefix = prefix
        """The owner's name: every resource here is still named from it, as before the owner was split."""

    def _opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        """A resource's options: parented here, with an alias to the owner it was declared under before."""
        return pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=self._owner)], **kwargs)

    def _new_opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        """A resource added after the split: parented here, with no alias (it was never anywhere else)."""
        return pulumi.ResourceOptions(parent=self, **kwargs)
