"""`scaffold init`: render the production pieces into a repository and keep them updated.

The public API is `run_init` (engine), `build_context` (RepoFacts + answers ->
InitContext) and the models in `scaffolder.init.records`.
"""
