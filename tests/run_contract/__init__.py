"""The run contract: what `scaffold init` writes must install, build, migrate and start.

`engine.run_contract(repo)` runs `scaffold init`, then on the host (no container engine
needed) executes each app as its generated Dockerfile and CI workflow do. See
docs/init.md, "Run contract".
"""
