"""AWS's own rules as pure data and functions: resource names, VPC addresses, paired regions.

The foundation under the models and the environment model (docs/architecture.md,
'Import direction'): imports nothing of scaffold and no pulumi, so `scaffold audit`
and `scaffold plan` use the same limits the stacks build with.
"""
