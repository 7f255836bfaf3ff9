"""first_error: the line a record shows for a failed step."""

from __future__ import annotations

from scaffolder.smoke.host import first_error


def test_a_warning_before_the_real_error_is_not_it() -> None:
    """Modelled on the unseen prototype varcavia-poc's `pnpm run build`: esbuild warns about
    a missing base tsconfig, then svelte-preprocess fails on it."""
    output = (
        " WARN  Issues with peer dependencies found\n"
        '▲ [WARNING] Cannot find base config file "@tsconfig/svelte/tsconfig.json" '
        "[tsconfig.json]\n"
        "vite v7.0.0 building SSR bundle for production...\n"
        "✗ Build failed in 202ms\n"
        "error during build:\n"
        "[vite-plugin-svelte] Error while preprocessing src/routes/+page.svelte - "
        "error TS6053: File '@tsconfig/svelte/tsconfig.json' not found.\n"
    )
    assert first_error(output).startswith("[vite-plugin-svelte] Error while preprocessing")
