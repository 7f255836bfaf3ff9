"""What the walker skips, never opens, or expects to be text."""

from __future__ import annotations

# Folders that are never the user's source, whatever .gitignore says.
ALWAYS_SKIP_DIRS = frozenset(
    {
        ".git",
        "node_modules",
        ".venv",
        "venv",
        "dist",
        "build",
        ".next",
        "out",
        ".svelte-kit",
        ".nuxt",
        ".output",
        "__pycache__",
        ".turbo",
        "coverage",
        "target",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".parcel-cache",
        ".vercel",
        ".tox",
    }
)

# Read nothing from these: their content is never text a detector could use.
BINARY_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".bmp",
        ".tif",
        ".tiff",
        ".avif",
        ".heic",
        ".psd",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".jar",
        ".war",
        ".class",
        ".so",
        ".dylib",
        ".dll",
        ".exe",
        ".bin",
        ".o",
        ".a",
        ".pyc",
        ".pyo",
        ".mp3",
        ".mp4",
        ".mov",
        ".avi",
        ".webm",
        ".wav",
        ".ogg",
        ".flac",
        ".db",
        ".sqlite",
        ".sqlite3",
        ".lockb",
        ".wasm",
        ".sketch",
        ".fig",
        ".parquet",
        ".pkl",
        ".npy",
        ".onnx",
        ".pt",
    ]
)

# A NUL byte in one of these is worth telling the user about.
TEXT_SUFFIXES = frozenset(
    [
        ".js",
        ".jsx",
        ".ts",
        ".tsx",
        ".mjs",
        ".cjs",
        ".mts",
        ".cts",
        ".json",
        ".py",
        ".md",
        ".txt",
        ".html",
        ".htm",
        ".css",
        ".scss",
        ".sass",
        ".less",
        ".yml",
        ".yaml",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".env",
        ".sql",
        ".prisma",
        ".vue",
        ".svelte",
        ".astro",
        ".sh",
        ".rb",
        ".go",
        ".rs",
        ".java",
        ".kt",
        ".php",
        ".xml",
        ".csv",
        ".graphql",
        ".gql",
        ".lock",
    ]
)
TEXT_NAMES = frozenset({"Dockerfile", "Procfile", "Makefile", "Pipfile", ".gitignore"})

# Lockfiles over the size limit are skipped without a warning.
GENERATED_LOCKFILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "pnpm-lock.yaml",
        "yarn.lock",
        "bun.lock",
        "poetry.lock",
        "uv.lock",
        "Pipfile.lock",
    }
)

# A NUL byte in a file's first 8 KiB makes it binary (git's own test reads 8,000 bytes).
BINARY_SNIFF_BYTES = 8192
