"""Provisioning: offline plan and cost, and the Pulumi Automation API seam.

Only `automation.py` imports pulumi.automation; `cost.py` imports no pulumi at
all so that `scaffold audit` can price an environment quickly.
"""
