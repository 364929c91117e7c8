import Foundation
import JianfuCore

// The command table: each command's usage, an example, and the function that runs it.
let commands: [Command] = [
    Command(name: "check", summary: "which reliefs apply to an enterprise, why, and how much they save",
            usage: "jianfu check PROFILE.json [--year YYYY] [--format text|json] [--lang zh|en] [--policies DIR]",
            example: "jianfu check Samples/qujiang-chemical-upgrade.json --lang en",
            options: ["--year": true, "--format": true, "--lang": true, "--policies": true], run: runCheck),
    Command(name: "explain", summary: "the quote, conditions, parameters and arithmetic of one rule for a profile",
            usage: "jianfu explain PROFILE.json RULE_ID [--year YYYY] [--lang zh|en] [--policies DIR]",
            example: "jianfu explain Samples/land-tax-group.json 52-7-1-land-tax-efficiency",
            options: ["--year": true, "--lang": true, "--policies": true], run: runExplain),
    Command(name: "ask", summary: "asks the questions that decide the most money, one at a time, then reports",
            usage: "jianfu ask PROFILE.json [--out COMPLETED.json] [--year YYYY] [--lang zh|en] [--policies DIR]\n\nOn a terminal it asks interactively; otherwise it reads one answer a line from standard input (an empty line skips a question).",
            example: "printf '120000\\n\\n' | jianfu ask Samples/incomplete-profile.json --out completed.json",
            options: ["--out": true, "--year": true, "--lang": true, "--policies": true], run: runAsk),
    Command(name: "audit", summary: "validate relief claims: approve, reduce, reject or ask for information",
            usage: "jianfu audit CLAIMS.json|CLAIMS.csv [--profiles FILE] [--format text|json|csv] [--lang zh|en] [--policies DIR]\n\nExit status: 0 every claim approved; 3 some claim needs attention (reduce, reject, needs_info, error); 1 unreadable input; 2 usage error.",
            example: "jianfu audit Samples/claims/claims.json --profiles Samples/claims/profiles.json",
            options: ["--profiles": true, "--format": true, "--lang": true, "--policies": true], run: runAudit),
    Command(name: "simulate", summary: "population impact: totals by rule, category, region and size, against 51号's targets",
            usage: "jianfu simulate POPULATION.csv|.ndjson|- [--year YYYY] [--reform FILE [--compare]] [--compare-year YYYY] [--format text|json|csv] [--html FILE] [--rejects FILE] [--partial FILE|- [--key FILE]] [--encoding auto|utf8|gb18030] [--input-format csv|ndjson|json] [--threads N] [--lang zh|en] [--policies DIR]",
            example: "jianfu generate-population 10000 --seed 7 > pop.csv && jianfu simulate pop.csv --year 2017 --html report.html",
            options: ["--year": true, "--reform": true, "--compare": false, "--compare-year": true, "--format": true, "--html": true,
                      "--rejects": true, "--partial": true, "--key": true, "--encoding": true, "--input-format": true, "--threads": true, "--lang": true, "--policies": true],
            run: runSimulate),
    Command(name: "merge", summary: "combine partial aggregates of shards exactly",
            usage: "jianfu merge PARTIAL... [--format text|json|csv] [--html FILE] [--partial OUT|-] [--key FILE] [--lang zh|en] [--policies DIR]\n\nRefuses a partial that is damaged, inconsistent or read the same input as another. The checksum guards against accidents only; with --key FILE (a shared secret) every partial must carry a valid HMAC-SHA256 made with that key (simulate --partial F --key FILE), and the merged --partial is signed with it.",
            example: "jianfu merge shard1.partial shard2.partial --format json",
            options: ["--format": true, "--html": true, "--partial": true, "--key": true, "--lang": true, "--policies": true], run: runMerge),
    Command(name: "generate-population", summary: "a deterministic, plausible Quzhou population for demos and benchmarks",
            usage: "jianfu generate-population N --seed S [--year YYYY] [--format csv|ndjson]",
            example: "jianfu generate-population 1000 --seed 42 --format csv > pop.csv",
            options: ["--seed": true, "--year": true, "--format": true], run: runGenerate),
    Command(name: "policies", summary: "lint, list, show, hash or test the policy folder; the clause coverage of its documents",
            usage: "jianfu policies lint [DIR] | list [--policies DIR] | show RULE_ID [--policies DIR] | hash [DIR] | test [DIR] [--coverage] [--min-coverage P] | coverage [DIR] [--format text|json]\n\ntest runs the cases of the folder's \"kind\": \"tests\" files (tests/*.json): each failure as expected vs got with the rule's explanation; --coverage adds what the cases reached per rule; exit 1 on a failure or below --min-coverage P (percent).\ncoverage lists every numbered clause of each document with its status (encoded, partly, not computable, out of scope, heading), the rules or the reason, and the share encoded.",
            example: "jianfu policies lint Policies",
            options: ["--policies": true, "--lang": true, "--coverage": false, "--min-coverage": true, "--format": true], run: runPolicies),
    Command(name: "serve", summary: "the JSON API (check, explain, audit, catalog) and a browser form over HTTP",
            usage: "jianfu serve [--host ADDRESS] [--port PORT] [--deadline SECONDS] [--lang zh|en] [--policies DIR]\n\nListens on 127.0.0.1:8052 by default (--port 0 picks a free port and prints it). GET / is the form; the API:\n  GET /healthz, /v1/version, /v1/policies, /v1/rules/{id}, /v1/schema\n  POST /v1/check, /v1/explain/{rule} (a profile, or {\"profile\": …, \"year\": 2017, \"lang\": \"en\"}), /v1/audit (claims)\n--deadline bounds the CPU time of one request (default 5 s; past it, 503). --lang sets the language of answers whose request does not say. Ctrl-C stops after the requests in flight.",
            example: "jianfu serve --port 8052 & curl -s --json @Samples/qujiang-chemical-upgrade.json 'http://127.0.0.1:8052/v1/check?lang=en'",
            options: ["--host": true, "--port": true, "--deadline": true, "--lang": true, "--policies": true, "--load-test": true], run: runServe),
]

let args = Array(CommandLine.arguments.dropFirst())
exit(dispatch(args, commands))
