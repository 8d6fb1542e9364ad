"""Social listening: monthly JSONL exports of Trustpilot, Reddit and X posts."""
