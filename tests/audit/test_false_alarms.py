"""Code that never reaches a browser does not raise browser-exposure findings.

Real Lovable/Bolt repositories keep seed scripts, admin CLIs and edge functions
next to the SPA. Their server-side reads of the service-role key or an admin
password were reported as critical/high "exposed to the browser" findings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.cli.app import main
from tests.inspect.conftest import write

SPA = {
    "package.json": json.dumps(
        {
            "name": "shop",
            "type": "module",
            "dependencies": {"react": "18", "@supabase/supabase-js": "2"},
            "devDependencies": {"vite": "5"},
        }
    ),
    "vite.config.ts": "import { defineConfig } from 'vite'\nexport default defineConfig({})\n",
    "index.html": '<div id="root"></div><script type="module" src="/src/main.tsx"></script>\n',
    "src/main.tsx": "import { supabase } from './integrations/supabase/client'\n",
    "src/integrations/supabase/client.ts": (
        "import { createClient } from '@supabase/supabase-js'\n"
        "export const supabase = createClient(import.meta.env.VITE_SUPABASE_URL,"
        " import.meta.env.VITE_SUPABASE_ANON_KEY)\n"
    ),
}
SERVER_SIDE = {
    "supabase/functions/admin-users/index.ts": (
        "import { createClient } from 'npm:@supabase/supabase-js@2'\n"
        "const admin = createClient(Deno.env.get('SUPABASE_URL')!,"
        " Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!)\n"
    ),
    "scripts/seed.js": (
        "import fs from 'node:fs'\nimport { createClient } from '@supabase/supabase-js'\n"
        "const db = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY)\n"
        "const rows = JSON.parse(fs.readFileSync('seed.json', 'utf8'))\n"
    ),
    "tools/create-admin.mjs": (
        "#!/usr/bin/env node\nconst password = process.env.ADMIN_PASSWORD\n"
        "console.log('creating admin', password.length)\n"
    ),
    "src/lib/admin.test.ts": "const key = process.env.SUPABASE_SERVICE_ROLE_KEY\n",
}


def _rule_ids(repo: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    with pytest.raises(SystemExit):
        main(["audit", str(repo), "--format", "json", "--no-history"])
    report = json.loads(capsys.readouterr().out)
    return {f["rule_id"] for f in report["findings"]}


def test_server_side_reads_are_not_browser_exposure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _rule_ids(write(tmp_path, {**SPA, **SERVER_SIDE}), capsys)
    assert "SEC003" not in ids  # service-role key "reachable from the browser"
    assert "SEC007" not in ids  # secret-looking variable "exposed to the browser"


def test_browser_reads_are_still_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leaky = {
        **SPA,
        **SERVER_SIDE,
        "src/lib/admin.ts": "export const key = import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY\n",
        "src/scripts/pay.ts": "export const stripe = import.meta.env.VITE_STRIPE_SECRET_KEY\n",
    }
    ids = _rule_ids(write(tmp_path, leaky), capsys)
    assert {"SEC003", "SEC007"} <= ids


def test_a_prefixed_name_read_by_a_back_end_is_not_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = {
        "package.json": json.dumps({"name": "api", "dependencies": {"express": "4"}}),
        "server.js": (
            "const express = require('express')\nconst app = express()\n"
            "const key = process.env.PUBLIC_STRIPE_SECRET_KEY\n"
            "app.listen(process.env.PORT)\n"
        ),
    }
    assert "SEC007" not in _rule_ids(write(tmp_path, server), capsys)
