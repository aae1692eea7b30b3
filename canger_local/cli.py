"""``canger``: the local runner's command line.

canger serve [--host 127.0.0.1] [--port 3000] [--empty | --demo small|programme] [--allow-origin ORIGIN]...
canger token --role ROLE [--community ID] [--street ID] [--sub SUB] [--ttl-seconds N]
canger openapi [--write]
canger events [--write]
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TypedDict

from services.common.domain.auth import Role

DEMO_COMMUNITY = "cm_ninghe"
DEMO_STREET = "st_xiaguan"


class _Scope(TypedDict, total=False):
    community_id: str
    street_id: str
    sub: str


def _token_args(role: Role) -> _Scope:
    if role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER):
        return {"community_id": DEMO_COMMUNITY}
    if role is Role.STREET_OFFICER:
        return {"street_id": DEMO_STREET}
    if role is Role.RESIDENT:
        return {"sub": "demo-resident"}
    return {}


def _print_banner(host: str, port: int) -> None:
    from canger_local import tokens

    base = f"http://{host}:{port}"
    print(f"\nCanger local API   {base}/v1/meta", flush=True)
    print(f"Swagger UI         {base}/docs")
    print(f"OpenAPI            {base}/openapi.json")
    print("Tokens (Authorization: Bearer …), valid 7 days:")
    for role in Role:
        extra = _token_args(role)
        scope = " ".join(f"{k}={v}" for k, v in extra.items())
        print(f"  {role.value:<16} {scope}\n    {tokens.issue(role, **extra)}")
    print("Stop with Ctrl-C.\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="canger", description="Canger's local runner")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the whole API locally")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    data = serve.add_mutually_exclusive_group()
    data.add_argument("--empty", action="store_true", help="reference data only, no demo data")
    data.add_argument(
        "--demo",
        choices=["small", "programme"],
        default="small",
        help="small: a few records of every kind (default); programme: a whole programme year, 44 communities",
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        dest="allow_origins",
        metavar="ORIGIN",
        help="a browser origin allowed by CORS, '*' matching one name or port (repeatable; "
        "default http://localhost:* and http://127.0.0.1:*)",
    )

    token = commands.add_parser("token", help="print a bearer token for the local server")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--community")
    token.add_argument("--street")
    token.add_argument("--sub")
    token.add_argument("--ttl-seconds", type=int, default=7 * 24 * 3600, help="lifetime (negative: expired)")

    openapi = commands.add_parser("openapi", help="print the merged OpenAPI document")
    openapi.add_argument(
        "--write",
        action="store_true",
        help="write it where the directory API serves it, and docs/openapi.json, docs/API.md",
    )

    events = commands.add_parser("events", help="print the JSON Schemas of every event's data")
    events.add_argument("--write", action="store_true", help="write them to docs/events.schema.json")

    args = parser.parse_args(argv)
    # Before anything imports Powertools: the logger takes its service name at creation.
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "canger-local")
    if args.command == "serve":
        from canger_local.server import serve as run

        demo = None if args.empty else args.demo
        run(
            args.host,
            args.port,
            demo=demo,
            on_ready=lambda port: _print_banner(args.host, port),
            allow_origins=tuple(args.allow_origins) if args.allow_origins else None,
        )
        return 0
    if args.command == "token":
        from canger_local import tokens

        role = Role(args.role)
        # A community or street role without its scope makes a token every request refuses (403/401).
        if role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER) and not args.community:
            parser.error(f"--role {role.value} needs --community ID (e.g. --community {DEMO_COMMUNITY})")
        if role is Role.STREET_OFFICER and not args.street:
            parser.error(f"--role {role.value} needs --street ID (e.g. --street {DEMO_STREET})")

        print(
            tokens.issue(
                role,
                community_id=args.community,
                street_id=args.street,
                sub=args.sub,
                ttl_seconds=args.ttl_seconds,
            )
        )
        return 0
    if args.command == "openapi":
        from canger_local import openapi as document

        if args.write:
            for path in document.write_all():
                print(f"wrote {path}", file=sys.stderr)
        else:
            print(document.merged_json())
        return 0
    if args.command == "events":
        from services.common.domain import contracts

        text = contracts.schemas_json()
        if args.write:
            contracts.SCHEMA_PATH.write_text(text, encoding="utf-8")
            print(f"wrote {contracts.SCHEMA_PATH}", file=sys.stderr)
        else:
            print(text)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
