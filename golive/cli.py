"""``golive``: the commands around a run (coverage, attestations, cleanup, watch). Running checks is ``pytest``."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from golive import redaction
from golive.auth import Credential, login
from golive.checklists import ChecklistError, items_by_id, load_checklists
from golive.coverage import coverage, unknown_items
from golive.config import ConfigurationError, UsageError, load_settings
from golive.discovery import DiscoveryError, discover_checks
from golive.aws import aws_client
from golive.cleanup import Replayer, delete_every_version, json_or_none, target_of
from golive.http import HttpClient, Reachability
from golive.ledger import LEDGER_FILE, Ledger
from golive.providers.razorpay import link_lister, settler
from golive.signoffs import Attestation, load_signoffs

EXIT_USAGE = 4
EXIT_CONFIGURATION = 6


def _coverage(args: argparse.Namespace) -> int:
    root = Path(args.root)
    checklists = load_checklists(root / "checklists")
    if args.checklist:
        checklists = [c for c in checklists if c.name in args.checklist]
    checks = discover_checks(root / "suites")
    rows = coverage(checklists, checks)
    strays = unknown_items(checklists, checks) if not args.checklist else {}
    if args.json:
        print(json.dumps({"checklists": [row.as_json() for row in rows], "unknown_items": strays}, indent=2))
    else:
        # "mapped": a check names the item. Whether a check verified it is a run's answer (verdict.json coverage).
        header = f"{'checklist':<18}{'items':>7}{'mapped':>11}{'attested':>10}{'n/a':>6}{'unmapped':>10}"
        print(header)
        print("-" * len(header))
        for row in rows:
            print(f"{row.name:<18}{row.items:>7}{row.automated:>11}{row.attested:>10}{row.not_applicable:>6}{row.unmapped:>10}")
        for row in rows:
            if row.unmapped_critical:
                shown = ", ".join(row.unmapped_critical[:12])
                more = f" … (+{len(row.unmapped_critical) - 12})" if len(row.unmapped_critical) > 12 else ""
                print(f"\n{row.name}: {len(row.unmapped_critical)} critical items neither automated nor attested:\n  {shown}{more}")
        for check_id, items in strays.items():
            print(f"\n{check_id} names items no checklist has: {', '.join(items)}")
    unmapped_critical = sum(len(row.unmapped_critical) for row in rows)
    return 1 if (args.strict and unmapped_critical) or strays else 0


def _attest(args: argparse.Namespace) -> int:
    root = Path(args.root)
    items = items_by_id(load_checklists(root / "checklists"))
    item = items.get(args.item)
    if item is None:
        print(f"golive attest: no checklist item {args.item!r} (see checklists/*.yaml)", file=sys.stderr)
        return EXIT_USAGE
    directory = root / "signoffs" / args.env
    signoffs, problems = load_signoffs(directory)
    if problems:
        print("golive attest: fix these first:\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return EXIT_CONFIGURATION
    attestation = Attestation(
        item=item.id, by=args.by, role=args.role, date=args.date or date.today(),
        evidence=args.evidence, note=args.note or "",
    )  # fmt: skip
    kept = [a for a in signoffs.attestations if a.item != item.id]
    entries = [a.model_dump(mode="json", exclude_defaults=True) for a in [*kept, attestation]]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "attestations.yaml").write_text(
        "# Signed statements for checklist items no machine can verify (golive attest writes this file).\n"
        + yaml.safe_dump({"attestations": entries}, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    expected_role = item.verify.role if item.verify.by == "attestation" else None
    note = f" (the checklist expects {expected_role})" if expected_role and expected_role != args.role else ""
    print(f"attested {item.id} for {args.env}: {args.by}, {args.role}{note}\n  {item.text}")
    return 0


def _cleanup(args: argparse.Namespace) -> int:
    """Undo what a crashed run of this env left pending, only on this env's services, as the roles
    that created the data (logged in again); with --sweep, also look for leftovers by run tag."""
    root = Path(args.root)
    ledger = Ledger(Path(args.reports_dir or root / "reports") / LEDGER_FILE)
    pending = ledger.pending()
    # entries another env recorded are that env's to undo; unlabelled ones are refused below
    others = Counter(item.env for item in pending if item.env and item.env != args.env)
    pending = [item for item in pending if item.env == args.env or not item.env]
    if args.sweep:
        queued = {(item.tag, item.sweep.list_url) for item in pending if item.sweep}
        pending += [item for item in ledger.sweeps(args.env) if (item.tag, item.sweep and item.sweep.list_url) not in queued]
    for env, count in sorted(others.items()):
        print(f"golive cleanup: {count} pending entr{'y' if count == 1 else 'ies'} recorded by env {env!r} left alone "
              f"(run `golive cleanup --env {env}`)")
    if not pending:
        print(f"golive cleanup: nothing pending for env {args.env!r} in {ledger.path}")
        return 0
    try:
        settings = load_settings(args.env, root, envs_dir=Path(args.envs_dir) if args.envs_dir else None)
    except (UsageError, ConfigurationError) as error:
        print(f"golive cleanup: {error}", file=sys.stderr)
        return EXIT_CONFIGURATION
    profile = settings.profile
    redactor = redaction.Redactor(redaction.secrets_from_env(settings.values))
    ledger.redact = redactor.text  # what cleanup appends (outcomes, error texts) is a report too
    tokens: dict[str, dict[str, str]] = {}
    with HttpClient(timeout=profile.http_timeout_s, redactor=redactor, safety="mutating") as http:
        def send(method: str, url: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
            response = http.request(method, url, intent="read" if method == "GET" else "write", json=body,
                                    headers=headers)
            return response.status_code, json_or_none(response.text)

        def token_for(role: str) -> dict[str, str]:
            """A re-login as ``role`` (never a stored token): its credential as headers."""
            if not profile.auth:
                raise RuntimeError(f"the profile has no auth section to log in as {role}")
            if role not in tokens:
                service_url = str(profile.service(profile.auth.login.service).base_url)
                tokens[role] = login(http, profile.auth, service_url, role).headers()
            return tokens[role]

        storage = profile.storage or None

        def delete_s3(bucket: str, key: str) -> int:
            if storage is None:
                raise RuntimeError("the profile has no storage section")
            s3 = aws_client("s3", endpoint_url=storage.endpoint_url, region=storage.region,
                            access_key_id=storage.credentials.access_key_id,
                            secret_access_key=storage.credentials.secret_access_key, timeout_s=profile.http_timeout_s,
                            reachability=Reachability(), safety="mutating", signature_version="s3v4",
                            s3={"addressing_style": storage.addressing_style})
            return delete_every_version(s3, bucket, key)

        tracker = profile.tracker or None

        def link_for(subject: str) -> str:
            if tracker is None:
                raise RuntimeError("the profile has no tracker section to issue the signed link with")
            service, issuer = profile.service(tracker.service), tracker.link
            response = http.request(issuer.method, service.url(issuer.path), params={**issuer.params, "subject": subject},
                                    headers={issuer.header: issuer.token})
            if response.status_code != 200:
                raise RuntimeError(f"{issuer.path} answered HTTP {response.status_code} for the link of {subject}")
            return service.url(json.loads(response.text)["url"])

        razorpay = (profile.integrations or None) and (profile.integrations.razorpay or None)

        def settle_link(url: str) -> int:
            if not razorpay:
                raise RuntimeError("the profile has no integrations.razorpay to settle the payment link with")
            return settler(http, razorpay, "golive-cleanup")(url)

        def list_links(url: str) -> list[Any]:
            if not razorpay:
                raise RuntimeError("the profile has no integrations.razorpay to list payment links with")
            return link_lister(http, razorpay)(url)

        replayer = Replayer(target_of(args.env, profile), send, token_for, delete_s3, link_for, settle_link,
                            list_links)
        problems = replayer.run(ledger, pending, masked=redaction.MASK)
    for item in pending:
        print(f"  {'✗' if any(p.startswith(item.description + ':') for p in problems) else '✓'} {item.description}")
    if problems:
        print("golive cleanup: not undone:\n  " + "\n  ".join(redactor.text(p) for p in problems), file=sys.stderr)
        return 1
    print(f"golive cleanup: {len(pending)} pending entr{'y' if len(pending) == 1 else 'ies'} settled "
          f"(undone, or swept by run tag) for env {args.env!r}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from golive.doctor import doctor

    return doctor(args.env, Path(args.root).resolve(), envs_dir=Path(args.envs_dir) if args.envs_dir else None)


def _schema(args: argparse.Namespace) -> int:
    """Write (or, with --check, compare) the profile's JSON Schema and its Markdown reference."""
    from golive import schema

    root = Path(args.root)
    outputs = {root / (args.output or schema.SCHEMA_PATH): schema.schema_text()}
    if args.markdown:
        outputs[root / args.markdown] = schema.markdown_text(root)
    stale = []
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("golive schema: out of date with the profile models (run golive schema --markdown docs/profile.md):\n  "
              + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


def _init(args: argparse.Namespace) -> int:
    from golive import init

    return init.run(args)


def _add_profile_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    schema = commands.add_parser("schema", help="write the profile's JSON Schema (for editors) from the models")
    schema.add_argument("--output", help="where the schema goes (default: profiles/golive-profile.schema.json)")
    schema.add_argument("--markdown", metavar="PATH", help="also write the profile reference, e.g. docs/profile.md")
    schema.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is out of date")
    schema.set_defaults(run=_schema)

    start = commands.add_parser("init", help="write a first profile and env files from an OpenAPI document")
    start.add_argument("name", help="the system's name: profiles/<name>.yaml, envs/<name>.env")
    start.add_argument("--openapi", required=True, metavar="FILE_OR_URL",
                       help="the API description (OpenAPI 3.0/3.1 or Swagger 2.0, JSON or YAML), a file or an http(s) URL")
    start.add_argument("--base-url", required=True, help="where the system answers, e.g. https://staging.example.com")
    start.add_argument("--kind", choices=("staging", "production", "local"), default="staging",
                       help="the environment's kind written to the env file (default: staging)")
    start.add_argument("--absent", action="append", default=[], metavar="SECTION[,SECTION...]",
                       help="the system has none of these (repeatable), e.g. --absent storage,backups: written "
                            "`SECTION: false`, their checks not applicable. On a terminal init asks for them")
    start.add_argument("--login", metavar="STRATEGY:PATH",
                       help="how the system logs in where its description does not say (or says otherwise): "
                            "json, form, basic or session, then the login path, e.g. basic:/v1/accounts, "
                            "session:/accounts/login/")
    start.add_argument("--roles", action="append", default=[], metavar="ROLE[,ROLE...]",
                       help="more roles to log in as beside the login's own (admin), e.g. --roles user,user2: "
                            "each gets an account in the env file and is held to every auth.protected entry")
    start.add_argument("--yes", action="store_true", help="ask nothing (scripts, CI): take every inferred answer")
    start.add_argument("--force", action="store_true", help="overwrite files that exist")
    start.add_argument("--profiles-dir", metavar="DIR", help="where <name>.yaml goes (default: profiles/)")
    start.add_argument("--envs-dir", metavar="DIR", help="where <name>.env and <name>.env.example go (default: envs/)")
    start.set_defaults(run=_init)


def _watch(args: argparse.Namespace) -> int:
    """``golive watch``: the checks that watch a signal, over a window: pytest -m observed --observe."""
    from golive.probes.observation import DurationError, parse_duration

    try:
        parse_duration(args.window)
        parse_duration(args.every)
    except DurationError as error:
        print(f"golive watch: {error}", file=sys.stderr)
        return EXIT_USAGE
    command = [sys.executable, "-m", "pytest", "-m", "observed", "--env", args.env,
               f"--observe={args.window}", f"--every={args.every}"]
    command += [f"--reports-dir={args.reports_dir}"] if args.reports_dir else []
    command += [f"--envs-dir={args.envs_dir}"] if args.envs_dir else []
    command += [argument for argument in args.pytest_args if argument != "--"]
    child = subprocess.Popen(command, cwd=args.root)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            # Ctrl-C reaches the run too (one process group): it ends the window early and still
            # writes the verdict on the time observed; wait for it
            continue


def _add_watch_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    watch = commands.add_parser("watch", help="repeat the checks that watch a signal (health, error rate, latency) "
                                "over a window and decide them on all of it (Ctrl-C: a verdict on the time observed)")
    watch.add_argument("--env", required=True, help="the environment to watch (envs/NAME.env)")
    watch.add_argument("--for", dest="window", required=True, metavar="DURATION", help="the window: 90s, 30m, 24h")
    watch.add_argument("--every", default="60s", metavar="DURATION", help="one round every DURATION (default 60s)")
    watch.add_argument("--reports-dir", help="where the verdict and the timeline go (default: reports/)")
    watch.add_argument("--envs-dir", help="where env files live (default: envs/)")
    watch.add_argument("pytest_args", nargs=argparse.REMAINDER, help="more pytest arguments, after --")
    watch.set_defaults(run=_watch)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="golive", description=__doc__)
    parser.add_argument("--root", default=".", help="the project folder (with checklists/, suites/, signoffs/)")
    commands = parser.add_subparsers(dest="command", required=True)

    cover = commands.add_parser("coverage", help="per checklist: items mapped to checks, attested, n/a, unmapped "
                                "(what a run verified is in its verdict.json)")
    cover.add_argument("--json", action="store_true", help="machine-readable output")
    cover.add_argument("--checklist", action="append", help="only this checklist (repeatable)")
    cover.add_argument("--strict", action="store_true", help="exit 1 when a critical item is unmapped")
    cover.set_defaults(run=_coverage)

    attest = commands.add_parser("attest", help="record a signed attestation for a checklist item")
    attest.add_argument("item", help="checklist item id, e.g. arogya:S7-EXIT-02")
    attest.add_argument("--env", required=True, help="the environment it applies to (signoffs/<env>/)")
    attest.add_argument("--by", required=True, help="who attests (full name)")
    attest.add_argument("--role", required=True, help="their role, e.g. 'Tech Lead'")
    attest.add_argument("--evidence", help="a link to the evidence (ticket, document, dashboard)")
    attest.add_argument("--note", help="a short note")
    attest.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    attest.set_defaults(run=_attest)

    doctor_ = commands.add_parser("doctor", help="before a run, read-only: services answer, roles log in, declared "
                                  "paths exist, owned objects exist, unsaid profile sections")
    doctor_.add_argument("--env", required=True, help="the environment to check (envs/NAME.env)")
    doctor_.add_argument("--envs-dir", help="where env files live (default: envs/)")
    doctor_.set_defaults(run=_doctor)

    clean = commands.add_parser("cleanup", help="undo what a crashed run left on the target (reports/ledger.jsonl)")
    clean.add_argument("--env", required=True, help="the environment the run went against")
    clean.add_argument("--reports-dir", help="the run's reports folder (default: reports/)")
    clean.add_argument("--envs-dir", help="where NAME.env lives (default: envs/)")
    clean.add_argument("--sweep", action="store_true",
                       help="also list by run tag, where the target can, and remove what the ledger's runs left")
    clean.set_defaults(run=_cleanup)
    _add_profile_commands(commands)
    _add_watch_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ChecklistError, DiscoveryError) as error:
        print(f"golive {args.command}: {error}", file=sys.stderr)
        return EXIT_CONFIGURATION


if __name__ == "__main__":
    sys.exit(main())
