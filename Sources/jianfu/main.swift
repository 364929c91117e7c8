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
    Command(name: "audit", summary: "validate relief claims: approve, reduce, reject or ask for information",
            usage: "jianfu audit CLAIMS.json|CLAIMS.csv [--profiles FILE] [--format text|json|csv] [--lang zh|en] [--policies DIR]\n\nExit status: 0 every claim approved; 3 some claim needs attention (reduce, reject, needs_info, error); 1 unreadable input; 2 usage error.",
            example: "jianfu audit Samples/claims/claims.json --profiles Samples/claims/profiles.json",
            options: ["--profiles": true, "--format": true, "--lang": true, "--policies": true], run: runAudit),
    Command(name: "policies", summary: "lint, list, show or hash the policy folder",
            usage: "jianfu policies lint [DIR] | list [--policies DIR] | show RULE_ID [--policies DIR] | hash [DIR]",
            example: "jianfu policies lint Policies",
            options: ["--policies": true, "--lang": true], run: runPolicies),
]

let args = Array(CommandLine.arguments.dropFirst())
exit(dispatch(args, commands))
