"""The residency policy pack's rules, importable without starting the policy server.

One module per rule family; `registry` builds the list of pulumi-policy objects that `policies/__main__.py`
hands to `PolicyPack`. The rule logic is plain functions over a small resource model (`model`), so tests and
the offline preview can call it directly. Nothing here imports pulumi_aws or pulumi_kubernetes: the pack
starts on every preview and matches type tokens as strings.
"""
