"""The environment model: an environment's spec, what it contains, and what it costs.

Pure (no pulumi, no boto3): the stacks build what `catalog` says, provisioning and
the audit price it with `cost`, and operations read the spec; all of them import
this package downward (docs/architecture.md, 'Import direction').
"""
